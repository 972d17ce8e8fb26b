// What the desk's services refuse, with the HTTP status the routes answer it with and a stable code.
export class DeskError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

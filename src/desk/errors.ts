// What the desk's services refuse (canned replies, typing signals, attachments): a domain error
// the server's error hook answers with the matching HTTP status.
import { DomainError, type Refusal } from '../shared/domain-error.ts';

export class DeskError extends DomainError {
  constructor(refusal: Refusal, code: string, message: string) {
    super(refusal, code, message);
    this.name = 'DeskError';
  }
}

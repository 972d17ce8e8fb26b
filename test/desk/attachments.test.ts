// Photos from shoppers: sniffed by content, size-limited, stripped of GPS, stored, relayed to
// the agents, and readable only by the shopper who sent them and the agents of the conversation.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { agentSocket, api, login, shopper, startTestServer, type TestServer } from '../server/helpers.ts';
import { GPS_LATITUDE, jpegWithGps, pngWithGps } from './fixtures/images.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const MINJI = { id: 'minji', name: '김민지', passwordHash: await hashPassword('minji-pass-2025'), role: 'agent' as const };
const JUN = { id: 'jun', name: '박준', passwordHash: await hashPassword('jun-pass-2025'), role: 'agent' as const };

async function upload(sessionId: string, token: string | undefined, bytes: Buffer, name = 'photo.jpg', type = 'image/jpeg') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${server.url}/api/sessions/${sessionId}/attachments`, {
    method: 'POST',
    body: form,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function download(id: string, token?: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(`${server.url}/api/attachments/${id}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('attachments', () => {
  it('takes a JPEG by its content, strips its GPS position, and gives it back to its shopper only', async () => {
    server = await startTestServer();
    const alice = await shopper(server.wsUrl);
    const bob = await shopper(server.wsUrl);
    const photo = jpegWithGps();
    const sent = await upload(alice.session.sessionId, alice.session.sessionToken, photo, 'IMG_0042.JPG');
    expect(sent.status).toBe(201);
    expect(sent.body.attachment).toMatchObject({ sessionId: alice.session.sessionId, mime: 'image/jpeg' });
    expect(sent.body.attachment.bytes).toBeLessThan(photo.length);
    const id = sent.body.attachment.id as string;
    const transcript = await server.store.getTranscript(alice.session.sessionId);
    expect(transcript.at(-1)).toMatchObject({ from: 'shopper', attachmentId: id, text: '📷 사진을 보냈어요' });

    const own = await download(id, alice.session.sessionToken);
    expect(own.status).toBe(200);
    expect(own.type).toBe('image/jpeg');
    expect(own.bytes.includes(GPS_LATITUDE)).toBe(false);
    expect(own.bytes.length).toBe(sent.body.attachment.bytes);

    // Another shopper: neither reads it nor sends into Alice's conversation.
    expect((await download(id, bob.session.sessionToken)).status).toBe(403);
    const intruding = await upload(alice.session.sessionId, bob.session.sessionToken, photo);
    expect(intruding).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await download(id)).status).toBe(401);
    expect((await download(id, 'made-up-token')).status).toBe(401);
    expect((await upload(alice.session.sessionId, undefined, photo)).body.error.code).toBe('missing_credentials');
    expect((await upload(alice.session.sessionId, 'made-up-token', photo)).body.error.code).toBe('invalid_session_token');
    expect((await download('att_nope', alice.session.sessionToken)).status).toBe(404);
    alice.socket.close();
    bob.socket.close();
  });

  it('refuses a file that is not an image whatever its name, and one over the configured size, storing nothing', async () => {
    server = await startTestServer({ config: { desk: { attachments: { maxBytes: 2048 } } } });
    const { socket, session } = await shopper(server.wsUrl);
    const disguised = await upload(session.sessionId, session.sessionToken, Buffer.from('%PDF-1.7 definitely a photo'), 'photo.jpg', 'image/jpeg');
    expect(disguised).toMatchObject({ status: 415, body: { error: { code: 'unsupported_type' } } });
    expect(disguised.body.error.message).toContain('application/pdf');
    const script = await upload(session.sessionId, session.sessionToken, Buffer.from('<svg onload="alert(1)"></svg>'), 'cat.png', 'image/png');
    expect(script.status).toBe(415);
    const big = await upload(session.sessionId, session.sessionToken, jpegWithGps(4096));
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'file_too_large' } } });
    const broken = await upload(session.sessionId, session.sessionToken, jpegWithGps().subarray(0, 40));
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'invalid_image' } } });
    expect((await upload(session.sessionId, session.sessionToken, pngWithGps(), 'x.png', 'image/png')).status).toBe(201);
    const photos = (await server.store.getTranscript(session.sessionId)).filter((entry) => entry.attachmentId !== undefined);
    expect(photos).toHaveLength(1);
    socket.close();
  });

  it('shows the photo of a queued shopper to the agents, and serves it to the agents of that conversation only', async () => {
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, MINJI, JUN] } });
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('handoff');
    const minji = await login(server.url, 'minji', 'minji-pass-2025');
    const jun = await login(server.url, 'jun', 'jun-pass-2025');
    const console = (await agentSocket(server.wsUrl, minji)).socket;

    const sent = await upload(session.sessionId, session.sessionToken, jpegWithGps());
    const id = sent.body.attachment.id as string;
    const relayed = await console.next((f) => f.type === 'entries' && JSON.stringify(f).includes(id));
    expect(relayed).toMatchObject({ sessionId: session.sessionId, entries: [{ from: 'shopper', attachmentId: id }] });

    // Waiting: any agent may look before claiming.
    expect((await download(id, jun)).status).toBe(200);
    const [item] = (await api(server.url, 'GET', '/api/agent/queue', { token: minji })).body.items;
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/claim`, { token: minji });
    expect((await download(id, minji)).status).toBe(200);
    expect((await download(id, jun)).status).toBe(403); // Minji's conversation now
    expect((await download(id, await login(server.url))).status).toBe(200); // the admin
    console.close();
    socket.close();
  });
});

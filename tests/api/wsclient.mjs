// wsclient.mjs - a small WebSocket client (RFC 6455) over node:tls for the
// API tests: Node 20 has no global WebSocket, and a client of our own can
// send what a browser would refuse to (oversized frames, a token in the
// URL). It trusts the test server's self-signed certificate through `ca`.
// Messages arrive in order through next(); a close arrives as
// {close: code}. Never used outside tests.
import crypto from 'node:crypto';
import tls from 'node:tls';

// wsConnect(port, path, {ca, cookie, origin}) - resolves an open socket, or
// rejects with an Error whose .status is the HTTP status the server answered.
export function wsConnect(port, path, { ca, cookie, origin } = {}) {
	return new Promise((resolve, reject) => {
		const key = crypto.randomBytes(16).toString('base64');
		const sock = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
		let buf = Buffer.alloc(0);
		let open = false;
		const lines = [`GET ${path} HTTP/1.1`, `Host: localhost:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
			`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
		if (cookie) lines.push(`Cookie: ${cookie}`);
		if (origin) lines.push(`Origin: ${origin}`);
		sock.on('secureConnect', () => sock.write(lines.join('\r\n') + '\r\n\r\n'));
		sock.on('error', (e) => { if (!open) reject(e); });
		const ws = makeSocket(sock);
		sock.on('data', (d) => {
			if (open) return ws.feed(d);
			buf = Buffer.concat([buf, d]);
			const end = buf.indexOf('\r\n\r\n');
			if (end < 0) return;
			const head = buf.subarray(0, end).toString('latin1');
			const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
			if (status !== 101) {
				const err = new Error(`upgrade refused: ${status}`);
				err.status = status;
				err.body = buf.subarray(end + 4).toString('utf8');
				sock.destroy();
				return reject(err);
			}
			const want = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
			if (!head.includes(`Sec-WebSocket-Accept: ${want}`)) {
				sock.destroy();
				return reject(new Error('bad Sec-WebSocket-Accept'));
			}
			open = true;
			ws.requestId = /\r\nX-Request-Id: ([0-9a-f]+)/i.exec(head)?.[1];
			resolve(ws);
			const rest = buf.subarray(end + 4);
			if (rest.length) ws.feed(rest);
		});
	});
}

function frame(opcode, payload) {
	const mask = crypto.randomBytes(4);
	const len = payload.length;
	let head;
	if (len < 126) head = Buffer.from([0x80 | opcode, 0x80 | len]);
	else if (len < 65536) { head = Buffer.alloc(4); head[0] = 0x80 | opcode; head[1] = 0x80 | 126; head.writeUInt16BE(len, 2); }
	else { head = Buffer.alloc(10); head[0] = 0x80 | opcode; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(len), 2); }
	const body = Buffer.from(payload);
	for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
	return Buffer.concat([head, mask, body]);
}

function makeSocket(sock) {
	let buf = Buffer.alloc(0);
	const queue = [];
	const waiters = [];
	let ended = false;
	const push = (m) => { const w = waiters.shift(); if (w) w(m); else queue.push(m); };
	sock.on('close', () => { if (!ended) { ended = true; push({ close: 1006 }); } });
	return {
		feed(d) {
			buf = Buffer.concat([buf, d]);
			for (;;) {
				if (buf.length < 2) return;
				const op = buf[0] & 0x0f;
				let len = buf[1] & 0x7f, off = 2;
				if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
				else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
				if (buf.length < off + len) return;
				const payload = buf.subarray(off, off + len);
				buf = buf.subarray(off + len);
				if (op === 1) push(JSON.parse(payload.toString('utf8')));
				else if (op === 8) {
					if (!ended) { ended = true; push({ close: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 }); }
					try { sock.write(frame(8, payload.subarray(0, 2))); } catch { /* gone */ }
					sock.end();
				} else if (op === 9) sock.write(frame(10, payload));
			}
		},
		send(obj) { sock.write(frame(1, typeof obj === 'string' ? obj : JSON.stringify(obj))); },
		sendRaw(opcode, payload) { sock.write(frame(opcode, payload)); },
		// next() - the next message or close, in order
		next() { return queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)); },
		pending() { return queue.length; },
		close() { ended = true; sock.destroy(); },
	};
}

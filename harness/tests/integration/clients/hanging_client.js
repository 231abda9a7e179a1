// A client that hangs where a test can find it. "idle": it connects to the URL's port and keeps
// the socket open with nothing running; "spin": it runs JavaScript for ever in spinForEver().
'use strict';
const net = require('node:net');

const url = new URL(process.argv[2]);
const socket = net.connect(Number(url.port), url.hostname);
function spinForEver() {
  for (;;) {
    // Busy, as a client stuck in a synchronous loop is.
  }
}
if (process.argv[3] === 'spin') socket.on('connect', spinForEver);

// The official TypeScript MCP client (@modelcontextprotocol/client, pinned
// in the testtools workspace) against the fixture's remove, for
// confirm_test.go: at 2026-07-28 (versionNegotiation pinned) with an
// elicitation handler answering decline, cancel and accept in turn, then
// at its default (the 2025-11-25 initialize) with one that would decline.
// Prints one JSON line per case: the negotiated version, the questions it
// was asked, and the text of remove's answer.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);

async function remove(key, action, pin) {
  const options = { capabilities: { elicitation: { form: {} } } };
  if (pin) options.versionNegotiation = { mode: { pin: '2026-07-28' } };
  const client = new Client({ name: 'confirm-ts', version: '1.0.0' }, options);
  const asked = [];
  client.setRequestHandler('elicitation/create', async (req) => {
    asked.push(req.params.message);
    return { action };
  });
  await client.connect(new StreamableHTTPClientTransport(url));
  try {
    await client.callTool({ name: 'put', arguments: { key, value: 'x' } });
    const res = await client.callTool({ name: 'remove', arguments: { key } });
    return { key, action, version: client.getNegotiatedProtocolVersion(), asked, text: res.content[0].text };
  } finally {
    await client.close();
  }
}

for (const action of ['decline', 'cancel', 'accept']) {
  console.log(JSON.stringify(await remove('confirm-ts-' + action, action, true)));
}
console.log(JSON.stringify(await remove('confirm-ts-legacy', 'decline', false)));

// Everyday calls of @microsoft/microsoft-graph-client 3.0.7 against `contract mock`.
// Prints one line per call (ok / FAIL and a short reason), then "js: N of M calls succeed".
//   PROBE_BASE=http://127.0.0.1:PORT/ PROBE_JS_DIR=<npm --prefix folder> node js-client.mjs
import { createRequire } from "node:module";
import { join } from "node:path";

const base = process.env.PROBE_BASE; // e.g. http://127.0.0.1:18931/ (trailing slash)
// The client is installed in a cache folder outside the repo, so resolve it from there.
const require = createRequire(join(process.env.PROBE_JS_DIR, "package.json"));
const { Client, BatchRequestContent, BatchResponseContent, ResponseType } =
  require("@microsoft/microsoft-graph-client");

const mockHost = new URL(base).host;
const client = Client.init({
  authProvider: (done) => done(null, "fake-token"),
  baseUrl: base,
  defaultVersion: "v1.0",
});

// A short reason: status, error code and the first sentence of the mock's message.
function reason(e) {
  if (e && e.statusCode !== undefined) {
    const msg = String(e.message || "").split(". Closest")[0];
    return `HTTP ${e.statusCode} ${e.code || ""}: ${msg}`.slice(0, 160);
  }
  return String((e && e.message) || e).slice(0, 160);
}

const results = [];
async function call(name, fn) {
  try {
    const note = await fn();
    results.push(true);
    console.log(`  ok    ${name}${note ? `  (${note})` : ""}`);
  } catch (e) {
    results.push(false);
    console.log(`  FAIL  ${name}: ${reason(e)}`);
  }
}

// Follow @odata.nextLink to the end; a link to another host is never sent (it would leave
// this machine), and more than 20 pages means the mock loops.
async function followPages(path) {
  let page = await client.api(path).get();
  let pages = 1;
  let items = (page.value || []).length;
  while (page["@odata.nextLink"]) {
    const next = page["@odata.nextLink"];
    let host;
    try { host = new URL(next).host; } catch { host = "(not a URL)"; }
    if (host !== mockHost) throw new Error(`page ${pages}: nextLink leaves the mock: ${next}`);
    if (pages >= 20) throw new Error("still a nextLink after 20 pages");
    // The client reads an absolute URL only when it is https:// (GraphRequest.js parsePath);
    // the mock is http://, so the link's path (version included) is what is sent.
    const { pathname, search } = new URL(next);
    page = await client.api(pathname.replace(/^\/v1\.0/, "") + search).get();
    pages += 1;
    items += (page.value || []).length;
  }
  return `${pages} page(s), ${items} item(s)`;
}

// create → get → update → list → delete, with the id the create returned.
let eventId;
const eventPath = () => {
  if (!eventId) throw new Error("no id from the create");
  return `/me/events/${encodeURIComponent(eventId)}`;
};
await call("POST /me/events (create)", async () => {
  const ev = await client.api("/me/events").post({
    subject: "Probe meeting",
    start: { dateTime: "2021-07-20T12:00:00", timeZone: "UTC" },
    end: { dateTime: "2021-07-20T13:00:00", timeZone: "UTC" },
  });
  eventId = ev.id;
  if (!eventId) throw new Error("created event has no id");
  return `id ${eventId}`;
});
await call("GET /me/events/{id}", async () => { await client.api(eventPath()).get(); });
await call("PATCH /me/events/{id}", async () => {
  await client.api(eventPath()).patch({ subject: "Probe meeting (moved)" });
});
await call("GET /me/events (list)", async () => {
  const list = await client.api("/me/events").get();
  return `${(list.value || []).length} item(s)`;
});
await call("DELETE /me/events/{id}", async () => { await client.api(eventPath()).delete(); });

// JSON batch through the client's helper. Node's Request needs an absolute URL; the helper keeps
// only its path, and Graph's batch steps are relative to the version ("/me").
await call("POST /$batch [GET /me, GET /me/messages]", async () => {
  const origin = new URL(base).origin;
  const batch = new BatchRequestContent([
    { id: "1", request: new Request(`${origin}/me`, { method: "GET" }) },
    { id: "2", request: new Request(`${origin}/me/messages`, { method: "GET" }) },
  ]);
  const answer = new BatchResponseContent(await client.api("/$batch").post(await batch.getContent()));
  const statuses = ["1", "2"].map((id) => {
    const r = answer.getResponseById(id);
    return r ? r.status : "missing";
  });
  if (!statuses.every((s) => s === 200)) throw new Error(`step statuses ${statuses.join(", ")}`);
  return "both steps 200";
});

await call("GET /users, paged to the end", () => followPages("/users"));
await call("GET /me/drive/root/children, paged to the end", () => followPages("/me/drive/root/children"));

await call("GET /me/drive/root:/Documents/report.docx (item by path)", async () => {
  const item = await client.api("/me/drive/root:/Documents/report.docx").get();
  return item.name;
});

// The photo is bytes, not JSON: take the raw response to see status and content type.
await call("GET /me/photo/$value (bytes)", async () => {
  const res = await client.api("/me/photo/$value").responseType(ResponseType.RAW).get();
  const bytes = await res.arrayBuffer();
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    let body = {};
    try { body = JSON.parse(Buffer.from(bytes).toString()); } catch {}
    const e = body.error || {};
    throw Object.assign(new Error(e.message || res.statusText), { statusCode: res.status, code: e.code });
  }
  if (bytes.byteLength === 0 || type.includes("json")) {
    throw new Error(`expected image bytes, got ${bytes.byteLength} bytes of ${type || "no type"}`);
  }
  return `${bytes.byteLength} bytes of ${type}`;
});

// Plain everyday reads.
for (const path of [
  "/me",
  "/me/messages",
  "/users",
  "/groups",
  "/me/drive/root/children",
  "/me/calendar/events",
  "/chats/19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2",
  "/sites/contoso.sharepoint.com,11111111-2222-3333-4444-555555555555,66666666-7777-8888-9999-000000000000",
]) {
  await call(`GET ${path}`, async () => { await client.api(path).get(); });
}

console.log(`js: ${results.filter(Boolean).length} of ${results.length} calls succeed`);

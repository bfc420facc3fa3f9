/**
 * A TCP port on 127.0.0.1 for a server a test starts, kept for this process until it exits (or
 * `releasePort`), so test files running in parallel, stand-in clusters included, never collide. Prefer
 * binding port 0 directly when the server under test allows it.
 */
export { reservePort as freePort, releasePort } from '../standin/lib/common.mjs';

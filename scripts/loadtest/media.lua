-- wrk script for scripts/loadtest.py: browser-style video requests scattered over the clip files.
--   wrk ... -s scripts/loadtest/media.lua URL -- LISTFILE MODE
-- LISTFILE: one "url-path size-in-bytes" per line; MODE: "full" (Range: bytes=0-, what a <video>
-- sends first) or "seek" (a random 64 KB Range inside the file, what scrubbing sends).
-- done() prints one JSON line: requests, bytes, duration, errors (status = responses other than
-- 2xx/3xx), latency. No response() hook on purpose: with one, wrk hands every body to Lua, which
-- made 10 MB responses 20x slower and time out.
local paths, sizes, mode = {}, {}, "seek"
local threads = {}
local id = 0

function setup(thread)
  id = id + 1
  thread:set("seed", id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local p, s = line:match("^(%S+)%s+(%d+)$")
    if p then paths[#paths + 1] = p; sizes[#sizes + 1] = tonumber(s) end
  end
  mode = args[2] or "seek"
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local i = math.random(#paths)
  local range
  if mode == "full" then
    range = "bytes=0-"
  else
    local off = math.random(0, math.max(0, sizes[i] - 65536))
    range = "bytes=" .. off .. "-" .. (off + 65535)
  end
  return wrk.format("GET", paths[i], {["Range"] = range})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('LOADTEST_JSON {"requests": %d, "bytes": %d, "duration_us": %d, '
    .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end

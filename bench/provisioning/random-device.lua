-- wrk script of the provisioning benchmark: every request asks for a random
-- device's configuration on a fresh connection (booting devices do not keep
-- connections alive), and every complete 200 is counted per device, by the
-- hostname found in the served configuration, so that the runner can check
-- afterwards that each of them was recorded.
--
-- Environment:
--   ZTP_BENCH_PATHS   file with one request path per line (required)
--   ZTP_BENCH_PREFIX  prefix put before every path (e.g. /api/ztp/provision)
--   ZTP_BENCH_OUT     file prefix for the results: <out>.served, <out>.json

local paths_file = os.getenv("ZTP_BENCH_PATHS")
local prefix = os.getenv("ZTP_BENCH_PREFIX") or ""
local out = os.getenv("ZTP_BENCH_OUT")

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

local paths = {}
served = {}
unidentified = 0

function init(args)
  for line in io.lines(paths_file) do
    if #line > 0 then
      paths[#paths + 1] = prefix .. line
    end
  end
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  wrk.headers["Connection"] = "close"
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status == 200 then
    local name = body and string.match(body, "bench%-%d%d%d%d%d")
    if name then
      served[name] = (served[name] or 0) + 1
    else
      unidentified = unidentified + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  local unknown = 0
  for _, thread in ipairs(threads) do
    for name, n in pairs(thread:get("served")) do
      totals[name] = (totals[name] or 0) + n
    end
    unknown = unknown + thread:get("unidentified")
  end
  local ok = 0
  local f = assert(io.open(out .. ".served", "w"))
  for name, n in pairs(totals) do
    f:write(name, " ", n, "\n")
    ok = ok + n
  end
  f:close()
  local e = summary.errors
  local j = assert(io.open(out .. ".json", "w"))
  j:write(string.format(
    '{"requests":%d,"durationUs":%d,"ok200":%d,"unidentified200":%d,' ..
    '"non2xx":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,' ..
    '"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, ok, unknown, e.status, e.connect,
    e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
  j:close()
end

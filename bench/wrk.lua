-- wrk script for bench/run.py: counts status codes and prints one JSON line.
--
--   wrk ... -s bench/wrk.lua URL                  the URL, every request
--   wrk ... -s bench/wrk.lua URL -- /a /b?c=d ...  cycle through these paths
--
-- Headers given with -H (e.g. If-None-Match) go on every request. wrk itself
-- only counts answers outside 2xx/3xx; a 304 run must also prove it was 304.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  paths = {}
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  statuses = {}
  -- Each thread starts at another point of the cycle, so the mix is even.
  position = id or 0
  fixed = wrk.format()
end

function request()
  if #paths == 0 then
    return fixed
  end
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, ' ..
    '"mean": %.1f, "max": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, table.concat(parts, ", ")))
end

-- wrk script: after the run, print one JSON line with the exact percentiles (microseconds).
-- Scenarios that need their own request() or response() can define them and then
-- `dofile("bench/report.lua")` to keep this done().
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "seconds": %.6f, "bytes": %d, "rps": %.3f, ' ..
    '"p50_us": %d, "p75_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.bytes, summary.requests / seconds,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end

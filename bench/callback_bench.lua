-- wrk script for bench/callback_bench.py: sends pre-signed requests (NUL-separated in
-- the file given after `--`) in turn, checks each answer is a 200 with an XML reply, and
-- prints one summary line for the Python side to read.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  pending = {}
  local from = 1
  while true do
    local at = string.find(data, "\0", from, true)
    if not at then break end
    pending[#pending + 1] = string.sub(data, from, at - 1)
    from = at + 1
  end
  sent = 0
  reused = 0
  bad = 0
end

function request()
  sent = sent + 1
  if sent > #pending then
    reused = reused + 1
    return pending[(sent - 1) % #pending + 1]
  end
  return pending[sent]
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "<xml>", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total, reused_total = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    reused_total = reused_total + thread:get("reused")
  end
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.status + e.timeout + bad_total
  io.write(string.format("WXB %d %.6f %.1f %.1f %d %d\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(99), failed,
    reused_total))
end

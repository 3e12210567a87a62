-- wrk script for the fixed-request scenarios of bench/main.ts.
-- The request comes from the environment (BENCH_METHOD, BENCH_BODY,
-- BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION). Every response is checked: a
-- status outside 2xx, or a body missing any line of BENCH_EXPECT (plain
-- substrings), counts as an error. done() prints one JSON line.

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then return nil end
  return value
end

wrk.method = env("BENCH_METHOD") or "GET"
wrk.body = env("BENCH_BODY")
wrk.headers["Content-Type"] = env("BENCH_CONTENT_TYPE")
wrk.headers["Authorization"] = env("BENCH_AUTHORIZATION")

local expects = {}
for line in string.gmatch(env("BENCH_EXPECT") or "", "[^\n]+") do
  table.insert(expects, line)
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  sample = ""
end

local function body_ok(body)
  for _, want in ipairs(expects) do
    if not string.find(body, want, 1, true) then return false end
  end
  return true
end

function response(status, headers, body)
  if status < 200 or status > 299 or not body_ok(body or "") then
    bad = bad + 1
    if sample == "" then
      sample = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local bad_total = 0
  local first = ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
    local s = thread:get("sample") or ""
    if first == "" then first = s end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bad":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"sample":%s}\n',
    summary.requests, summary.duration, bad_total, e.connect, e.read,
    e.write, e.timeout, latency:percentile(50), latency:percentile(99),
    json_string(first)))
end

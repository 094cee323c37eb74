-- POST /api/chat as many veterans would: users rotate, four questions to one menu word.
-- Each wrk thread numbers its own messages, so every message id is unique in a run.
-- The server is told who the user is by the integration key (VETBOT_API_KEY) when one is set.
-- BENCH_REQUESTS (per thread) ends a thread after that many answers, saying so on stdout, so
-- that runs being compared carry the same traffic (the same users met for the first time).

local users = tonumber(os.getenv("BENCH_USERS") or "500")
local key = os.getenv("BENCH_API_KEY") or ""
local run = os.getenv("BENCH_RUN") or "r"
local stop_after = tonumber(os.getenv("BENCH_REQUESTS") or "0")
local texts = {"优待证怎么办理", "抚恤金什么时候发", "义务兵家庭优待金", "服务站在哪里", "菜单"}

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  counter = counter + 1
  local user = (counter * 7919 + tid) % users
  local text = texts[(counter % #texts) + 1]
  local body = string.format(
    '{"user_id":"bench-%s-%d","message_id":"%s-%d-%d","text":"%s"}',
    run, user, run, tid, counter, text)
  return wrk.format(nil, nil, nil, body)
end

if stop_after > 0 then
  local answered = 0
  function response(status, headers, body)
    answered = answered + 1
    if answered == stop_after then
      io.write("WRK-THREAD-DONE\n")
      io.stdout:flush()
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p99_ms":%.2f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end

-- Shared by the scripts that write each id at most once per run (moves.lua, decisions.lua):
-- thread i reads its own slice of ids from $BENCH_IDS_PREFIX<i>.txt and POSTs `body` to
-- `path_format` (one %s: the id) with the bench's token and `If-Match: "$BENCH_VERSION"`,
-- so every id's version is known. Out of fresh ids, it repeats the last one: those answer
-- 409 and are counted, never hidden. With BENCH_RATE set the run is paced at that many
-- requests/s in all: open loop, each thread's requests are due every `interval` ms on the
-- wall clock (LuaJIT's ffi reads it); a late slot is sent at once, so slow answers do not
-- lower the load (no coordinated omission in the schedule).
require("common")

local once = {}

function once.post_each(path_format, body)
  local token = os.getenv("BENCH_TOKEN")
  local version = os.getenv("BENCH_VERSION")
  local prefix = os.getenv("BENCH_IDS_PREFIX")
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local ids = {}
  local position = 0
  exhausted = 0

  function init(args)
    local f = assert(io.open(prefix .. wrk.thread:get("index") .. ".txt", "r"))
    for line in f:lines() do
      if #line > 0 then table.insert(ids, line) end
    end
    f:close()
    assert(#ids > 0, "no ids for this thread")
  end

  function request()
    position = position + 1
    local id = ids[position]
    if id == nil then
      exhausted = exhausted + 1
      id = ids[#ids]
    end
    return wrk.format("POST", string.format(path_format, id), {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["If-Match"] = '"' .. version .. '"',
    }, body)
  end

  if rate > 0 then
    local ffi = require("ffi")
    ffi.cdef([[
      typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
      int clock_gettime(int clk_id, bench_timespec *tp);
    ]])
    local ts = ffi.new("bench_timespec")
    local function now_ms()
      ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
    end
    local interval = 1000 * threads / rate
    local next_at = nil

    function delay()
      local now = now_ms()
      next_at = next_at and (next_at + interval) or now
      return math.max(0, math.floor(next_at - now))
    end
  end
end

return once

-- The framework's ceiling (bench/ceiling.py): the decision's POST (same token, headers and
-- body) to the bare endpoint that locks one row and writes four, each row at most once per
-- run (once.lua).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("once").post_each(
  "/api/v1/bench/ceiling/%s",
  '{"decision": "approve", "acting_user": ' .. os.getenv("BENCH_APPROVER") .. '}'
)

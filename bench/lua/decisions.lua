-- Authenticated POST decisions ("approve" as the step's approver, named in acting_user),
-- each approval request at most once per run (once.lua).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("once").post_each(
  "/api/v1/approval_requests/%s/decisions",
  '{"decision": "approve", "acting_user": ' .. os.getenv("BENCH_APPROVER") .. '}'
)

-- Authenticated GETs of one URL: the API with the bench's token (the ping: auth and tenant
-- context only, no domain work; "My approvals" over the API), or a page with the session
-- cookie in $BENCH_COOKIE (a person signed in).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")

wrk.method = "GET"
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
else
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

-- Authenticated POST moves ("advance"), each application at most once per run (once.lua).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("once").post_each("/api/v1/applications/%s/transitions", '{"action": "advance"}')

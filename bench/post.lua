-- post.lua - wrk script: POST a new client as the signed-in owner.
-- The session cookie and CSRF token come from the environment
-- (BENCH_COOKIE, BENCH_CSRF), set by bench/run.mjs.
wrk.method = "POST"
wrk.body = '{"legal_name":"Bench Client","date_of_birth":"1980-01-01"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")

-- note.lua - wrk script: POST a SOAP progress-note draft to the client in
-- the URL as the signed-in clinician (BENCH_COOKIE, BENCH_CSRF from the
-- environment, set by bench/run.mjs). About 1 KB of note text.
wrk.method = "POST"
wrk.body = '{"template":"soap","date":"2030-01-07","fields":{' ..
	'"subjective":"Client reports ongoing work stress and poor sleep; rates mood 5/10 this week. Describes a conflict with a manager and rumination at night.",' ..
	'"objective":"Appeared tired but engaged; speech normal in rate and volume; affect restricted, congruent with reported mood. No evidence of psychosis.",' ..
	'"assessment":"Working on cognitive restructuring of catastrophic predictions about job loss. Engaged well with the thought record and identified two alternative explanations.",' ..
	'"plan":"Continue weekly sessions. Homework: daily thought record and stimulus control for sleep. Review PHQ-9 and GAD-7 next session.",' ..
	'"risk_suicidal":"denies","safety_plan":"Reviewed; client knows whom to call and where to go."}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")

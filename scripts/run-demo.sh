#!/usr/bin/env bash
# run-demo.sh BIN - `make run`: create the demo practice in var/demo on the
# first run (key file var/demo.key, small synthetic data set), then serve it
# on https://localhost:8443 until Ctrl-C.
set -euo pipefail
bin=$1
data=var/demo
key=var/demo.key
mkdir -p var
chmod 700 var
if [ ! -f "$data/confidant.db" ]; then
	echo "make run: creating the demo practice in $data (first run only)"
	"$bin" init --data "$data" --keyfile "$key" --no-passphrase \
		--practice-name "Demo practice" | tee var/demo-owner.txt
	chmod 600 var/demo-owner.txt
	"$bin" demo --data "$data" --keyfile "$key"
fi
cat <<TXT

  Confidant demo practice: https://localhost:8443/
  (self-signed certificate for localhost: your browser will ask you to accept it;
   curl: curl --cacert $data/tls/cert.pem https://localhost:8443/api/v1/health)

  Sign in as the owner: the email and one-time password are in var/demo-owner.txt.
  At first sign-in you choose a new password and set up two-step sign-in (TOTP)
  with an authenticator app; docs/api.md shows the same steps with curl.
  Add staff with: build/release/confidant user add --data $data --keyfile $key \\
      --email you@example.org --name "Your Name" --role clinician

  Stop with Ctrl-C. Start again from scratch: rm -rf var/demo var/demo.key
TXT
exec "$bin" serve --data "$data" --keyfile "$key" --listen 127.0.0.1:8443

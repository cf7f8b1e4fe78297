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
   curl: curl -k https://localhost:8443/api/v1/health)

  Sign-in: the owner's account and one-time password are in var/demo-owner.txt.
  Until sign-in lands, the demo serves the client API without it, on loopback
  only (--insecure-dev): curl -k https://localhost:8443/api/v1/clients

  Stop with Ctrl-C. Start again from scratch: rm -rf var/demo var/demo.key
TXT
exec "$bin" serve --data "$data" --keyfile "$key" --listen 127.0.0.1:8443 --insecure-dev

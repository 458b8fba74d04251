#!/usr/bin/env bash
# One serial check with OpenSSH's client, as a script would do it: sshpass
# gives the password, ssh runs the show command, grep picks out the serial.
# Started by xargs -P from run.sh, once per device:
#
#   openssh-check.sh ADDRESS PORT USERNAME PASSWORD EXPECTED_SERIAL
#
# Environment: CHECK_COMMAND (the show command), SERIAL_REGEX (grep -oP,
# \K before the serial), CONNECT_TIMEOUT (seconds).
# Prints "ok|error MILLISECONDS ADDRESS [what went wrong]".
set -u
address="$1" port="$2" username="$3" password="$4" expected="$5"

# $EPOCHREALTIME is built into bash 5: no extra process per timestamp.
start="$EPOCHREALTIME"
output="$(
  SSHPASS="$password" sshpass -e ssh -T -p "$port" \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR -o PubkeyAuthentication=no \
    -o PreferredAuthentications=password,keyboard-interactive \
    -o ConnectTimeout="${CONNECT_TIMEOUT:-5}" -o BatchMode=no \
    "$username@$address" "$CHECK_COMMAND" 2>&1
)"
status=$?
end="$EPOCHREALTIME"
ms="$(((${end/./} - ${start/./}) / 1000))"

serial="$(grep -m1 -oP "$SERIAL_REGEX" <<<"$output")"
if [ "$status" -ne 0 ]; then
  echo "error $ms $address ssh exited $status: $(head -c 200 <<<"$output" | tr '\n' ' ')"
elif [ "$serial" != "$expected" ]; then
  echo "error $ms $address read '${serial}', expected $expected"
else
  echo "ok $ms $address"
fi

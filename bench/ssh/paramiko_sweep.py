"""One sweep of serial checks with Paramiko, as a Python script would do it.

A ThreadPoolExecutor with C workers; each check logs in with the device's
password, runs the show command over an exec channel, reads the output and
picks the serial out with a regular expression.

    /usr/bin/python3 paramiko_sweep.py --fleet fleet.tsv --concurrency 50 \
        --command 'show version' --serial-regex 'Processor board ID (\\S+)'

Prints one JSON line: devices, wall time, per-device latencies (ms), errors,
CPU time and max RSS of this process.
"""

import argparse
import json
import logging
import re
import resource
import time
from concurrent.futures import ThreadPoolExecutor

import paramiko


def check_serial(device, command, serial_regex, connect_timeout):
    client = paramiko.SSHClient()
    # First contact, as StrictHostKeyChecking=no for OpenSSH.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(
            device["address"],
            port=device["port"],
            username=device["username"],
            password=device["password"],
            timeout=connect_timeout,
            banner_timeout=connect_timeout,
            auth_timeout=connect_timeout,
            look_for_keys=False,
            allow_agent=False,
        )
        _stdin, stdout, _stderr = client.exec_command(command, timeout=30)
        output = stdout.read().decode("utf-8", "replace")
    finally:
        client.close()
    match = serial_regex.search(output)
    return match.group(1) if match else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleet", required=True)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--command", default="show version")
    parser.add_argument("--serial-regex", default=r"Processor board ID (\S+)")
    parser.add_argument("--connect-timeout", type=float, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    # Paramiko logs every failed connection with a traceback; the errors are
    # counted below instead.
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)

    fleet = []
    with open(args.fleet, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 6:
                continue
            fleet.append(
                {
                    "address": fields[1],
                    "port": int(fields[2]),
                    "username": fields[3],
                    "password": fields[4],
                    "serial": fields[5],
                }
            )
    serial_regex = re.compile(args.serial_regex)

    for i in range(args.warmup):
        check_serial(fleet[i % len(fleet)], args.command, serial_regex, args.connect_timeout)

    latencies = []
    errors = []

    def timed_check(device):
        t0 = time.perf_counter()
        try:
            serial = check_serial(device, args.command, serial_regex, args.connect_timeout)
            if serial != device["serial"]:
                errors.append(f"{device['address']}: read {serial}, expected {device['serial']}")
        except Exception as error:  # every failure counts as an error
            errors.append(f"{device['address']}: {type(error).__name__}: {error}")
        latencies.append((time.perf_counter() - t0) * 1000)

    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    setup_cpu = usage_before.ru_utime + usage_before.ru_stime
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(timed_check, fleet))
    wall_ms = (time.perf_counter() - started) * 1000
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)

    print(
        json.dumps(
            {
                "kind": "Paramiko",
                "tool": f"Paramiko {paramiko.__version__} (exec_command)",
                "devices": len(fleet),
                "wallMs": wall_ms,
                "latencies": latencies,
                "errors": len(errors),
                "errorSamples": errors[:5],
                "cpuSeconds": cpu,
                "setupCpuSeconds": setup_cpu,
                "maxRssKb": usage.ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main()

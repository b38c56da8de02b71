# bench/lib.sh: helpers shared by the bench scripts (bench/nbd-single, bench/nbd-replicated).
# Sourced, not run. The sourcing script sets, before calling anything here:
#   bench_name   its name, the prefix of every message
#   repo         the repository's top directory
#   engine_jar   the --engine-jar value ("" for the default jar)
# and uses the globals this file defines: fio_pid, used_ports, clk_tck, load_at_start.
# shellcheck shell=bash
# Globals set by the sourcing script, and globals set here for it:
# shellcheck disable=SC2154,SC2034

say() { printf '%s: %s\n' "$bench_name" "$*" >&2; }
die() { printf '%s: error: %s\n' "$bench_name" "$*" >&2; exit 1; }

# SIZE with an optional K/M/G/T suffix (binary units) -> bytes.
parse_size() { # value, option name (for the message)
  local s=$1 n unit
  [[ $s =~ ^([0-9]+)([KkMmGgTt]?)(i?B)?$ ]] || die "$2: cannot read '$s' (e.g. 256M, 1G)"
  n=${BASH_REMATCH[1]}
  unit=${BASH_REMATCH[2]}
  case $unit in
    '') echo "$n" ;;
    K | k) echo $((n * 1024)) ;;
    M | m) echo $((n * 1024 * 1024)) ;;
    G | g) echo $((n * 1024 * 1024 * 1024)) ;;
    T | t) echo $((n * 1024 * 1024 * 1024 * 1024)) ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Tools

require() { # command, package
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it with: apt-get install -y $2"
}

# fio with its nbd ioengine, and nbdinfo for the readiness probes.
require_fio_nbd() {
  require fio fio
  require nbdinfo libnbd-bin
  # The whole comparison rests on one client for every server; Debian's fio has the nbd engine
  # (built with libnbd), other builds may not. Without it there is no like-for-like client.
  fio --enghelp=nbd >/dev/null 2>&1 ||
    die "this fio ($(fio --version)) has no nbd ioengine; install Debian's fio (apt-get install -y fio)"
}

# The default jar is built when missing (offline: the build must not need the network); a jar
# named with --engine-jar is taken as it is. Sets engine_jar.
ensure_engine_jar() { # what to suggest when the build makes no jar
  if [ -n "$engine_jar" ]; then
    [ -f "$engine_jar" ] || die "--engine-jar $engine_jar: no such file"
    return
  fi
  engine_jar=$repo/engine/target/tandem-engine.jar
  if [ ! -f "$engine_jar" ]; then
    say "building the engine runner (mvn -B -q -pl engine -am package -DskipTests) ..."
    (cd "$repo" && mvn -B -q -pl engine -am package -DskipTests) ||
      die "building the engine failed"
    [ -f "$engine_jar" ] ||
      die "the build made no $engine_jar (does the engine have its runner yet?); $1"
  fi
}

# ---------------------------------------------------------------------------------------------
# Ports and processes

used_ports=" "
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
# Sets variable $1 to a port nobody uses (on any address) and this script has not handed out yet
# (a Tandem node needs three before it binds any). Not a command substitution: the list of
# handed-out ports must survive the call. There is a window between choosing and binding; on a
# benchmark machine nothing else races for these ports.
free_port() { # variable name
  local p tries=0
  while ((tries++ < 200)); do
    p=$((20000 + RANDOM % 30000))
    case $used_ports in *" $p "*) continue ;; esac
    if ! port_in_use "$p"; then
      used_ports+="$p "
      printf -v "$1" '%s' "$p"
      return
    fi
  done
  die "found no free port on 127.0.0.1"
}

# Sum of user and system CPU time of a process (all its threads), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Peak resident set of a process, in KiB (0 once it is gone).
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
clk_tck=$(getconf CLK_TCK)
now() { date +%s.%N; }

# Stops one process: SIGTERM, up to 10 s for it to go, then SIGKILL.
stop_pid() { # pid
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Ready means an NBD client can connect and read the export's size: the same path fio takes.
# Dies when the process exits first or after 30 s, with the end of its log.
wait_nbd() { # name, uri, expected size in bytes, log, pid
  local name=$1 uri=$2 size=$3 log=$4 pid=$5 deadline=$((SECONDS + 30))
  while ! nbdinfo --size "$uri" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$log" >&2 || true
      die "$name exited before serving $uri (its log is above)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 || true
      die "$name did not serve $uri within 30 s (its log is above)"
    fi
    sleep 0.2
  done
  local got
  got=$(nbdinfo --size "$uri")
  [ "$got" = "$size" ] || die "$name serves $got bytes at $uri, expected $size"
}

# ---------------------------------------------------------------------------------------------
# fio

fio_pid=""
# Runs fio in the background and waits for it: bash runs a trap only once the foreground command
# has finished, so Ctrl-C would otherwise wait for the end of a 20 s job; `wait` is interrupted
# at once, and the script's cleanup stops fio (stop_fio) and the servers.
run_fio() { # stdout file, stderr file, fio arguments...
  local out=$1 err=$2 rc=0
  shift 2
  fio "$@" >"$out" 2>"$err" &
  fio_pid=$!
  wait "$fio_pid" || rc=$?
  fio_pid=""
  if ((rc != 0)); then cat "$err" >&2; fi
  return "$rc"
}
stop_fio() {
  if [ -n "$fio_pid" ]; then kill "$fio_pid" 2>/dev/null || true; wait "$fio_pid" 2>/dev/null || true; fi
  fio_pid=""
}

# ---------------------------------------------------------------------------------------------
# The machine

# findmnt names ext4 as such; stat -f only knows "ext2/ext3".
fs_type() { findmnt -no FSTYPE -T "$1" 2>/dev/null || stat -f -c %T "$1"; }

# Anything else running shares the cores with server and client and moves the figures.
# Sets load_at_start.
check_load() {
  load_at_start=$(awk '{ print $1 }' /proc/loadavg)
  if awk -v l="$load_at_start" 'BEGIN { exit !(l >= 1.0) }'; then
    say "warning: load average is $load_at_start before starting; other work shares these cores, expect noisy figures"
  fi
}

# ---------------------------------------------------------------------------------------------
# Tables

# awk functions for the reports, put in front of a report's program. Input lines are
#   series <TAB> metric <TAB> run <TAB> value
# and the program fills n[series, metric] (count) and v[series, metric, i] (values) from them.
#   median(key)            median of key's values; leaves them sorted in s[1..count]
#   cell(series, metric, unit)  "median" or "median (min-max)", "-" when there are none
#   table(first)           prints head[1..nc] and cells[first..nr, 1..nc] as text (columns
#                          aligned, the first left) or Markdown (fmt == "markdown"; the first
#                          nleft columns left-aligned, 2 when nleft is not set)
bench_awk_lib='
    function sortk(key,   i, j, t, m) {
      m = n[key]
      for (i = 1; i <= m; i++) s[i] = v[key, i]
      for (i = 2; i <= m; i++) { t = s[i]; for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]; s[j + 1] = t }
      return m
    }
    function median(key,   m) {
      m = sortk(key)
      return (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
    }
    function num(x, unit) {
      if (unit == "IOPS") return (x >= 1000) ? sprintf("%.1fk", x / 1000) : sprintf("%.0f", x)
      if (unit == "s") return sprintf("%.2f", x)
      return sprintf("%.0f", x)
    }
    function cell(srv, metric, unit,   key, m) {
      key = srv SUBSEP metric
      if (!(key in n)) return "-"
      m = median(key)
      if (n[key] == 1) return num(m, unit)
      return num(m, unit) " (" num(s[1], unit) "-" num(s[n[key]], unit) ")"
    }
    function row(c,   i, line) {
      if (fmt == "markdown") {
        line = "|"; for (i = 1; i <= nc; i++) line = line " " c[i] " |"; print line
      } else {
        line = ""; for (i = 1; i <= nc; i++) line = line sprintf(i == 1 ? "%-" w[i] "s" : "  %" w[i] "s", c[i]); print line
      }
    }
    function table(first,   r, i, c, k) {
      # column widths from every cell (text format)
      for (i = 1; i <= nc; i++) w[i] = length(head[i])
      for (r = first; r <= nr; r++) for (i = 1; i <= nc; i++) if (length(cells[r, i]) > w[i]) w[i] = length(cells[r, i])
      for (i = 1; i <= nc; i++) c[i] = head[i]
      row(c)
      if (fmt == "markdown") { for (i = 1; i <= nc; i++) c[i] = (i <= (nleft ? nleft : 2) ? "---" : "---:"); row(c) }
      for (r = first; r <= nr; r++) { for (i = 1; i <= nc; i++) c[i] = cells[r, i]; row(c) }
    }
'

# Shared by start.sh and stop.sh: whether a pid file names a process this deployment started (not whatever process
# reuses a stale pid). Silos: a dotnet process running run/bin/Agents.Silo.dll. Redis: a redis-server whose working
# directory is our data directory (redis chdirs to its "dir").
# shellcheck shell=bash
ours() {
  local pidfile="$1" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  case "$(basename "$pidfile")" in
    redis.pid)
      # The binary redis-server resolves to (Debian links it to redis-check-rdb), serving our data directory.
      [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v redis-server)")" ] \
        && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(cd "$data" 2>/dev/null && pwd -P)" ] ;;
    *)
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$run/bin/Agents.Silo.dll" ;;
  esac
}

"""A simulated bash in a task's container, for exec sessions.

Everything here is text handling: a line is read by shell_syntax, and each command is answered
from the container's virtual files and facts. Nothing is ever run on the host and no host file
is read, so a hostile line (`$(rm -rf /)`, `; cat /etc/passwd`, `../../..`) only ever reaches
this simulator. Output is a pure function of the machine, the shell's state, the line and the
clock's now.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from specmock_apis.osmo.sim import nvidia_smi
from specmock_apis.osmo.sim.container import PIP_PACKAGES, PYTHON_VERSION, WORKSPACE, Machine, directories, files
from specmock_apis.osmo.sim.shell_syntax import ShellSyntaxError, expand, segments

CLEAR = "\x1b[H\x1b[2J\x1b[3J"
PATH = "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BIN_DIRS = ("/bin", "/usr/bin", "/usr/local/bin", "/usr/local/nvidia/bin")


@dataclass
class ShellState:
    """What a shell remembers between commands: directory, variables, last status, whether it ended."""

    cwd: str = WORKSPACE
    oldpwd: str | None = None
    status: int = 0
    exited: bool = False
    variables: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The state as JSON, to keep in a session."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ShellState:
        """The state kept in a session (a fresh shell when there is none)."""
        if not data:
            return cls()
        return cls(
            str(data["cwd"]),
            data.get("oldpwd"),
            int(data["status"]),
            bool(data["exited"]),
            dict(data.get("variables") or {}),
        )


# The shell


class Shell:
    """One command line at a time against a machine, its state and the clock's now."""

    def __init__(self, machine: Machine, state: ShellState, now: datetime) -> None:
        self.machine = machine
        self.state = state
        self.now = now
        self.files = files(machine)
        self.dirs = directories(machine)

    def prompt(self) -> str:
        """The PS1 prompt: user@host:cwd$ with the home directory shown as ~."""
        cwd = self.state.cwd
        home = self.machine.home
        if cwd == home or cwd.startswith(home + "/"):
            cwd = "~" + cwd[len(home) :]
        return f"{self.machine.user}@{self.machine.hostname}:{cwd}$ "

    def environment(self) -> dict[str, str]:
        """The environment variables of the shell, its own assignments included."""
        m = self.machine
        env = {
            "CUDA_VERSION": f"{nvidia_smi.CUDA}.2",
            "HOME": m.home,
            "HOSTNAME": m.hostname,
            "LANG": "C.UTF-8",
            "NVIDIA_VISIBLE_DEVICES": ",".join(str(i) for i in range(m.gpus)) or "void",
            "OSMO_GROUP_NAME": m.group,
            "OSMO_NODE_NAME": m.node,
            "OSMO_POOL": m.pool,
            "OSMO_TASK_NAME": m.task,
            "OSMO_USER": m.user,
            "OSMO_WORKFLOW_ID": m.workflow,
            "PATH": PATH,
            "PWD": self.state.cwd,
            "SHELL": "/bin/bash",
            "TERM": "xterm-256color",
            "USER": m.user,
        }
        if self.state.oldpwd:
            env["OLDPWD"] = self.state.oldpwd
        return {**env, **self.state.variables}

    def lookup(self, name: str) -> str:
        """The value of `$name` (empty when unset)."""
        if name == "?":
            return str(self.state.status)
        if name in ("$", "#"):
            return "1" if name == "$" else "0"
        if name == "0":
            return "bash"
        return self.environment().get(name, "")

    def run(self, line: str) -> str:
        """Run a command line; the output (stdout and stderr) as the terminal shows it."""
        try:
            parts = segments(line)
        except ShellSyntaxError as exc:
            self.state.status = 2
            return f"{exc}\n"
        out: list[str] = []
        for operator, text in parts:
            if (operator == "&&" and self.state.status != 0) or (operator == "||" and self.state.status == 0):
                continue
            try:
                words = expand(text, self.lookup, self.machine.home)
            except ShellSyntaxError as exc:
                out.append(f"{exc}\n")
                self.state.status = 2
                continue
            output, self.state.status = self.command(words)
            out.append(output)
            if self.state.exited:
                break
        return "".join(out)

    def command(self, words: list[str]) -> tuple[str, int]:
        """One simple command: an assignment, a known command, a path, or `command not found`."""
        if not words:
            return "", self.state.status
        leading = 0
        while leading < len(words) and _assignment(words[leading]):
            leading += 1
        if leading == len(words):
            for word in words:
                name, value = word.split("=", 1)
                self.state.variables[name] = value
            return "", 0
        # assignments before a command only set its environment, which no simulated command reads
        name, args = words[leading], words[leading + 1 :]
        if "/" in name:
            return self._by_path(name, args)
        handler = COMMANDS.get(name)
        if handler is None or (name == "nvidia-smi" and self.machine.gpus == 0):
            return f"bash: {name}: command not found\n", 127
        return handler(self, args)

    def _by_path(self, name: str, args: list[str]) -> tuple[str, int]:
        path = self.resolve(name)
        base = posixpath.basename(path)
        if posixpath.dirname(path) in BIN_DIRS and base in COMMANDS:
            return self.command([base, *args])
        if path in self.dirs:
            return f"bash: {name}: Is a directory\n", 126
        if path in self.files:
            return f"bash: {name}: Permission denied\n", 126
        return f"bash: {name}: No such file or directory\n", 127

    def resolve(self, path: str) -> str:
        """An absolute, normalized path; `..` never climbs above the root."""
        if path == "~" or path.startswith("~/"):
            path = self.machine.home + path[1:]
        joined = posixpath.normpath(posixpath.join(self.state.cwd, path))
        return "/" + joined.lstrip("/")

    def stamp(self) -> str:
        """The modification time `ls -l` shows: when the task started."""
        started = datetime.fromisoformat(self.machine.started)
        return f"{started:%b} {started.day:>2} {started:%H:%M}"

    def children(self, directory: str) -> list[str]:
        """The names in a directory, sorted."""
        prefix = directory.rstrip("/") + "/"
        paths = [*self.files, *self.dirs]
        names = [p[len(prefix) :].split("/")[0] for p in paths if p.startswith(prefix) and p != prefix]
        return sorted(dict.fromkeys(names))


def _assignment(word: str) -> bool:
    name, equals, _ = word.partition("=")
    return bool(equals) and name.isidentifier() and name.isascii()


# Commands: each takes the shell and its arguments, and answers (output, exit status).


def _options(args: list[str], allowed: str, command: str) -> tuple[set[str], list[str]] | str:
    """Single-letter options and the other arguments, or the error text of an unknown option."""
    flags: set[str] = set()
    rest: list[str] = []
    for arg in args:
        if arg.startswith("--") and not rest:
            return f"{command}: unrecognized option '{arg}'\nTry '{command} --help' for more information.\n"
        if arg.startswith("-") and len(arg) > 1 and not rest:
            for letter in arg[1:]:
                if letter not in allowed:
                    return f"{command}: invalid option -- '{letter}'\nTry '{command} --help' for more information.\n"
                flags.add(letter)
        else:
            rest.append(arg)
    return flags, rest


def _ls(sh: Shell, args: list[str]) -> tuple[str, int]:
    args = ["-a" if a == "--all" else a for a in args]
    parsed = _options(args, "la1h", "ls")
    if isinstance(parsed, str):
        return parsed, 2
    flags, targets = parsed
    out: list[str] = []
    status = 0
    listed: list[tuple[str, list[str]]] = []
    plain: list[str] = []
    for target in targets or ["."]:
        path = sh.resolve(target)
        if path in sh.dirs:
            names = sh.children(path)
            if "a" in flags:
                names = [".", "..", *names]
            else:
                names = [n for n in names if not n.startswith(".")]
            listed.append((target, names))
        elif path in sh.files:
            plain.append(target)
        else:
            out.append(f"ls: cannot access '{target}': No such file or directory\n")
            status = 2

    def show(directory: str, names: list[str]) -> str:
        if "l" not in flags:
            return ("\n" if "1" in flags else "  ").join(names) + "\n" if names else ""
        rows = [f"total {4 * len(names)}\n"] if directory else []
        entries = [_entry(sh, sh.resolve(posixpath.join(directory, name) if directory else name)) for name in names]
        owner = max(len(e[1]) for e in entries)
        size = max(len(str(e[2])) for e in entries)
        stamp = sh.stamp()
        for name, (mode, who, bytes_) in zip(names, entries, strict=True):
            rows.append(f"{mode} 1 {who:<{owner}} {who:<{owner}} {bytes_:>{size}} {stamp} {name}\n")
        return "".join(rows)

    if plain:
        out.append(show("", plain))
    for k, (target, names) in enumerate(listed):
        if len(listed) + len(plain) > 1:
            out.append(("\n" if plain or k else "") + f"{target}:\n")
        out.append(show(target, names))
    return "".join(out), status


def _entry(sh: Shell, path: str) -> tuple[str, str, int]:
    """What `ls -l` shows of a path: mode, owner and size."""
    owner = sh.machine.user if path.startswith((WORKSPACE, sh.machine.home)) else "root"
    if path in sh.dirs:
        return "drwxr-xr-x", owner, 4096
    return "-rw-r--r--", owner, len(sh.files[path].encode())


def _cat(sh: Shell, args: list[str]) -> tuple[str, int]:
    parsed = _options(args, "n", "cat")
    if isinstance(parsed, str):
        return parsed, 1
    flags, targets = parsed
    out: list[str] = []
    status = 0
    for target in targets:
        path = sh.resolve(target)
        if path in sh.dirs:
            out.append(f"cat: {target}: Is a directory\n")
            status = 1
        elif path in sh.files:
            text = sh.files[path]
            if "n" in flags:
                text = "".join(f"{k:>6}\t{line}\n" for k, line in enumerate(text.splitlines(), 1))
            out.append(text)
        else:
            out.append(f"cat: {target}: No such file or directory\n")
            status = 1
    return "".join(out), status


def _cd(sh: Shell, args: list[str]) -> tuple[str, int]:
    if len(args) > 1:
        return "bash: cd: too many arguments\n", 1
    target = args[0] if args else sh.machine.home
    echo = ""
    if target == "-":
        if sh.state.oldpwd is None:
            return "bash: cd: OLDPWD not set\n", 1
        target = echo = sh.state.oldpwd
    path = sh.resolve(target)
    if path in sh.files:
        return f"bash: cd: {target}: Not a directory\n", 1
    if path not in sh.dirs:
        return f"bash: cd: {target}: No such file or directory\n", 1
    sh.state.oldpwd, sh.state.cwd = sh.state.cwd, path
    return (f"{echo}\n" if echo else ""), 0


def _pwd(sh: Shell, args: list[str]) -> tuple[str, int]:
    return f"{sh.state.cwd}\n", 0


def _whoami(sh: Shell, args: list[str]) -> tuple[str, int]:
    if args:
        return f"whoami: extra operand '{args[0]}'\nTry 'whoami --help' for more information.\n", 1
    return f"{sh.machine.user}\n", 0


def _hostname(sh: Shell, args: list[str]) -> tuple[str, int]:
    if args in (["-i"], ["-I"]):
        return f"{sh.machine.pod_ip}\n", 0
    if args:
        return "hostname: you must be root to change the host name\n", 1
    return f"{sh.machine.hostname}\n", 0


def _date(sh: Shell, args: list[str]) -> tuple[str, int]:
    now = sh.now
    formats = [a for a in args if a.startswith("+")]
    others = [a for a in args if not a.startswith("+") and a not in ("-u", "--utc")]
    if others:
        return f"date: invalid option or argument '{others[0]}'\n", 1
    if formats:
        # strftime only formats the clock's instant: the format is data, never code. %s is the C
        # library's and reads the host's time zone, so it is replaced first.
        return now.strftime(formats[-1][1:].replace("%s", str(int(now.timestamp())))) + "\n", 0
    return f"{now:%a %b} {now.day:>2} {now:%H:%M:%S} UTC {now.year}\n", 0


def _env(sh: Shell, args: list[str]) -> tuple[str, int]:
    if args:  # env would run its arguments as a command, which this shell does not do
        return f"env: '{args[0]}': No such file or directory\n", 127
    return _printenv(sh, args)


def _printenv(sh: Shell, args: list[str]) -> tuple[str, int]:
    env = sh.environment()
    if args:
        missing = [a for a in args if a not in env]
        return "".join(f"{env[a]}\n" for a in args if a in env), 1 if missing else 0
    return "".join(f"{k}={v}\n" for k, v in sorted(env.items())), 0


def _echo(sh: Shell, args: list[str]) -> tuple[str, int]:
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    return " ".join(args) + ("\n" if newline else ""), 0


def _export(sh: Shell, args: list[str]) -> tuple[str, int]:
    if not args:
        env = sh.environment()
        return "".join(f'declare -x {k}="{v}"\n' for k, v in sorted(env.items())), 0
    out, status = "", 0
    for arg in args:
        name, equals, value = arg.partition("=")
        if not (name.isidentifier() and name.isascii()):
            out += f"bash: export: `{arg}': not a valid identifier\n"
            status = 1
        elif equals:
            sh.state.variables[name] = value
    return out, status


def _unset(sh: Shell, args: list[str]) -> tuple[str, int]:
    for name in args:
        sh.state.variables.pop(name, None)
    return "", 0


def _uname(sh: Shell, args: list[str]) -> tuple[str, int]:
    if "-a" in args:
        return (
            f"Linux {sh.machine.hostname} 5.15.0-1053-nvidia #54-Ubuntu SMP Fri Apr 12 2024 x86_64 x86_64 x86_64 "
            "GNU/Linux\n",
            0,
        )
    return "Linux\n", 0


def _nvidia_smi(sh: Shell, args: list[str]) -> tuple[str, int]:
    return nvidia_smi.report(sh.machine, args, sh.now)


def _python(sh: Shell, args: list[str]) -> tuple[str, int]:
    if args and args[0] in ("--version", "-V"):
        return f"Python {PYTHON_VERSION}\n", 0
    if not args:
        return "python: the interactive interpreter is not available in this simulated shell\n", 1
    return f"python: this simulated shell cannot run Python programs ({' '.join(args)})\n", 1


def _pip(sh: Shell, args: list[str]) -> tuple[str, int]:
    if args in (["--version"], ["-V"]):
        return f"pip 24.0 from /usr/local/lib/python3.10/dist-packages/pip (python {PYTHON_VERSION[:4]})\n", 0
    if args[:1] == ["list"]:
        width = max(len(name) for name, _ in PIP_PACKAGES)
        vwidth = max(len(version) for _, version in PIP_PACKAGES)
        rows = [f"{'Package':<{width}} {'Version':<{vwidth}}".rstrip(), f"{'-' * width} {'-' * vwidth}"]
        rows += [f"{name:<{width}} {version}" for name, version in PIP_PACKAGES]
        return "\n".join(rows) + "\n", 0
    if args[:1] == ["freeze"]:
        return "".join(
            f"{name}=={version}\n" for name, version in PIP_PACKAGES if name not in ("pip", "setuptools", "wheel")
        ), 0
    if not args:
        return "\nUsage:\n  pip <command> [options]\n\nCommands: list, freeze (in this simulated shell)\n", 0
    return f'ERROR: unknown command "{args[0]}" (this simulated shell knows list and freeze)\n', 1


def _clear(sh: Shell, args: list[str]) -> tuple[str, int]:
    return CLEAR, 0


def _exit(sh: Shell, args: list[str]) -> tuple[str, int]:
    sh.state.exited = True
    if not args:
        return "exit\n", sh.state.status
    if not args[0].lstrip("-").isdigit():
        return f"exit\nbash: exit: {args[0]}: numeric argument required\n", 2
    return "exit\n", int(args[0]) % 256


def _true(sh: Shell, args: list[str]) -> tuple[str, int]:
    return "", 0


def _false(sh: Shell, args: list[str]) -> tuple[str, int]:
    return "", 1


HELP = {
    "cat [-n] FILE...": "print files",
    "cd [DIR|-|~]": "change the working directory",
    "clear": "clear the screen",
    "date [-u] [+FORMAT]": "the current time (UTC)",
    "echo [-n] [ARG...]": "print arguments",
    "env, printenv [NAME...]": "the environment",
    "exit [N]": "end the session",
    "export NAME=VALUE / unset NAME": "set or remove a variable",
    "help": "this list",
    "hostname [-i]": "the pod's name or address",
    "ls [-la1] [PATH...]": "list a directory",
    "nvidia-smi [-L]": "the task's GPUs",
    "pip list | freeze | --version": "installed Python packages",
    "pwd": "the working directory",
    "python --version": "the Python version",
    "uname [-a]": "the kernel",
    "whoami": "the user",
}


def _help(sh: Shell, args: list[str]) -> tuple[str, int]:
    width = max(len(k) for k in HELP)
    lines = [
        "GNU bash, version 5.1.16(1)-release (x86_64-pc-linux-gnu)",
        f"A simulated shell in task {sh.machine.task} of workflow {sh.machine.workflow} (specmock):",
        "nothing here runs on a real machine. Commands can be joined with ; && and ||.",
        "",
        *(f"  {k:<{width}}  {v}" for k, v in HELP.items()),
    ]
    return "\n".join(lines) + "\n", 0


COMMANDS: dict[str, Callable[[Shell, list[str]], tuple[str, int]]] = {
    "cat": _cat,
    "cd": _cd,
    "clear": _clear,
    "date": _date,
    "echo": _echo,
    "env": _env,
    "exit": _exit,
    "export": _export,
    "false": _false,
    "help": _help,
    "hostname": _hostname,
    "logout": _exit,
    "ls": _ls,
    "nvidia-smi": _nvidia_smi,
    "pip": _pip,
    "pip3": _pip,
    "printenv": _printenv,
    "pwd": _pwd,
    "python": _python,
    "python3": _python,
    "true": _true,
    "uname": _uname,
    "unset": _unset,
    "whoami": _whoami,
}

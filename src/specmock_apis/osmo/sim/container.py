"""A task's container as an exec session sees it: its facts, its GPUs and its virtual files.

The files are text built from the task's facts and the seed; nothing here reads the host.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from specmock_apis.osmo import generators

WORKSPACE = "/workspace"
PYTHON_VERSION = "3.10.12"
# paths of the virtual tree only: nothing on the host is ever touched
EMPTY_DIRS = ("/bin", "/usr/bin", "/usr/lib", "/usr/local/bin", "/var/log", "/opt", "/tmp", "/mnt", "/root")  # noqa: S108
PIP_PACKAGES = (
    ("accelerate", "0.30.1"),
    ("datasets", "2.19.1"),
    ("numpy", "1.26.4"),
    ("nvidia-ml-py", "12.550.52"),
    ("pandas", "2.2.2"),
    ("pip", "24.0"),
    ("PyYAML", "6.0.1"),
    ("safetensors", "0.4.3"),
    ("setuptools", "69.5.1"),
    ("tensorboard", "2.16.2"),
    ("torch", "2.3.0"),
    ("torchvision", "0.18.0"),
    ("tqdm", "4.66.4"),
    ("transformers", "4.41.2"),
    ("wheel", "0.43.0"),
)
REQUIREMENTS = ("torch", "torchvision", "transformers", "datasets", "accelerate", "tensorboard", "PyYAML")


@dataclass(frozen=True)
class GpuModel:
    """How nvidia-smi names a GPU type, its memory and its power cap."""

    name: str
    memory_mib: int
    watts: int


# keyed by the pool GPU types of catalog.GPU_TYPES
GPU_MODELS = {
    "A100-80GB": GpuModel("NVIDIA A100-SXM4-80GB", 81920, 400),
    "H100-80GB": GpuModel("NVIDIA H100 80GB HBM3", 81559, 700),
    "L40S": GpuModel("NVIDIA L40S", 46068, 350),
    "A10G": GpuModel("NVIDIA A10G", 23028, 300),
    "V100-32GB": GpuModel("Tesla V100-SXM2-32GB", 32768, 300),
}


def gpu_model(gpu_type: str) -> GpuModel:
    """The nvidia-smi view of a pool's GPU type (a plain NVIDIA name for a type added later)."""
    return GPU_MODELS.get(gpu_type) or GpuModel(f"NVIDIA {gpu_type}", 40960, 300)


@dataclass(frozen=True)
class Machine:
    """The task's container as its shell sees it: who, where, which hardware, which workflow."""

    seed: int
    workflow: str
    task: str
    group: str
    user: str
    hostname: str
    pool: str
    node: str
    pod_ip: str
    gpu_type: str
    gpus: int
    cpus: int
    memory_gib: float
    started: str  # ISO instant the task started: the files' modification time
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # the workflow's groups and their tasks

    @property
    def home(self) -> str:
        """The user's home directory."""
        return f"/home/{self.user}"

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON, to keep in a session."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Machine:
        """The machine a session's facts describe."""
        groups = tuple((str(name), tuple(str(t) for t in tasks)) for name, tasks in data["groups"])
        return cls(**{**data, "groups": groups})


@generators.memo(maxsize=64)  # per session's machine: sessions come and go
def files(machine: Machine) -> dict[str, str]:
    """Every file of the container: absolute path -> text."""
    home = machine.home
    tree = {
        "/etc/hostname": f"{machine.hostname}\n",
        "/etc/hosts": (
            f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{machine.pod_ip}\t{machine.hostname}\n"
        ),
        "/etc/passwd": (
            "root:x:0:0:root:/root:/bin/bash\n"
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            f"{machine.user}:x:1000:1000::{home}:/bin/bash\n"
        ),
        "/etc/os-release": (
            'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\n'
            'VERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n'
        ),
        f"{home}/.bashrc": "# ~/.bashrc\nexport PS1='\\u@\\h:\\w\\$ '\nalias ll='ls -l'\n",
        f"{home}/.profile": "# ~/.profile\n[ -f ~/.bashrc ] && . ~/.bashrc\n",
        f"{WORKSPACE}/README.md": (
            f"# {machine.workflow}\n\nTask `{machine.task}` of group `{machine.group}`, "
            f"submitted by {machine.user} to pool {machine.pool}.\n\n"
            "- `workflow.yaml`: the workflow spec\n- `train.py`: the entry point\n"
            "- `data/`: the dataset manifest\n- `checkpoints/`: saved state\n- `logs/`: this task's log\n"
        ),
        f"{WORKSPACE}/workflow.yaml": _workflow_yaml(machine),
        f"{WORKSPACE}/train.py": _train_py(machine),
        f"{WORKSPACE}/requirements.txt": "".join(
            f"{name}=={version}\n" for name, version in PIP_PACKAGES if name in REQUIREMENTS
        ),
        f"{WORKSPACE}/data/manifest.jsonl": _manifest(machine),
        f"{WORKSPACE}/checkpoints/latest.json": _checkpoint(machine),
        f"{WORKSPACE}/logs/{machine.task}.log": _log(machine),
    }
    return tree


@generators.memo(maxsize=64)
def directories(machine: Machine) -> dict[str, None]:
    """Every directory (an ordered set): the parents of every file, the standard empty ones, the root."""
    found = {"/": None}
    for path in [*files(machine), *(d + "/x" for d in EMPTY_DIRS)]:
        parent = posixpath.dirname(path)
        while parent not in found:
            found[parent] = None
            parent = posixpath.dirname(parent)
    return found


def _workflow_yaml(m: Machine) -> str:
    lines = ["workflow:", f"  name: {m.workflow}", "  groups:"]
    for group, tasks in m.groups:
        lines += [f"  - name: {group}", "    tasks:"]
        for k, task in enumerate(tasks):
            lines += [
                f"    - name: {task}",
                "      image: nvcr.io/nvidia/pytorch:24.05-py3",
                f"      command: [python, {WORKSPACE}/train.py, --stage, {group}]",
            ]
            if k == 0:
                lines.append("      lead: true")
    lines += [
        "  resources:",
        "    default:",
        f"      gpu: {m.gpus}",
        f"      cpu: {m.cpus}",
        f"      memory: {m.memory_gib:g}Gi",
        f"  pool: {m.pool}",
    ]
    return "\n".join(lines) + "\n"


def _train_py(m: Machine) -> str:
    return (
        '"""Entry point of every task of this workflow."""\n\n'
        "import argparse\n\nimport torch\n\n\n"
        "def main() -> None:\n"
        "    parser = argparse.ArgumentParser()\n"
        '    parser.add_argument("--stage", required=True)\n'
        "    args = parser.parse_args()\n"
        '    print(f"{args.stage}: {torch.cuda.device_count()} GPU(s)")\n\n\n'
        'if __name__ == "__main__":\n'
        "    main()\n"
    )


def _manifest(m: Machine) -> str:
    rng = generators.rng(m.seed, "terminal", m.workflow, "manifest")
    shards = rng.integer(3, 6, "shards")
    return "".join(
        f'{{"shard": "shard-{i:04d}.tar", "samples": {rng.integer(8_000, 12_000, "samples", i)}}}\n'
        for i in range(shards)
    )


def _checkpoint(m: Machine) -> str:
    step = generators.rng(m.seed, "terminal", m.workflow, m.task).integer(100, 20_000, "step")
    return f'{{"step": {step}, "path": "{WORKSPACE}/checkpoints/step-{step:06d}.pt"}}\n'


def _log(m: Machine) -> str:
    rng = generators.rng(m.seed, "terminal", m.workflow, m.task, "log")
    out = [f"[{m.started}] {m.task}: starting on {m.node} with {m.gpus} GPU(s)\n"]
    loss = rng.uniform(2.5, 4.0, "loss")
    for k in range(1, 6):
        loss *= rng.uniform(0.85, 0.97, "decay", k)
        out.append(f"[{m.started}] step {k * 100}: loss {loss:.4f}\n")
    return "".join(out)

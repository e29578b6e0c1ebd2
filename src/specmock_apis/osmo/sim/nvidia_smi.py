"""What nvidia-smi prints in a task's container: one row per GPU of the pool's model.

Load, memory and temperature are drawn from the seed, so a session sees the same table each time.
"""

from __future__ import annotations

from datetime import datetime

from specmock.generators import Rng
from specmock_apis.osmo import generators
from specmock_apis.osmo.sim.container import Machine, gpu_model

DRIVER = "535.161.08"
CUDA = "12.2"


def report(m: Machine, args: list[str], now: datetime) -> tuple[str, int]:
    """nvidia-smi's answer for a machine: its GPUs' table (or `-L` list) and exit status."""
    model = gpu_model(m.gpu_type)
    rng = generators.rng(m.seed, "terminal", m.workflow, m.task, "gpus")
    if args in (["-L"], ["--list-gpus"]):
        return "".join(f"GPU {i}: {model.name} (UUID: GPU-{_uuid(rng, i)})\n" for i in range(m.gpus)), 0
    rule = "+" + "-" * 41 + "+" + "-" * 22 + "+" + "-" * 22 + "+"
    lines = [
        f"{now:%a %b} {now.day:>2} {now:%H:%M:%S} {now.year}       ",
        "+" + "-" * 87 + "+",
        "|" + f" NVIDIA-SMI {DRIVER}             Driver Version: {DRIVER}   CUDA Version: {CUDA}".ljust(87) + "|",
        "|" + "-" * 41 + "+" + "-" * 22 + "+" + "-" * 22 + "+",
        "| GPU  Name                 Persistence-M | Bus-Id        Disp.A | Volatile Uncorr. ECC |",
        "| Fan  Temp   Perf          Pwr:Usage/Cap |         Memory-Usage | GPU-Util  Compute M. |",
        "|                                         |                      |               MIG M. |",
        "|" + "=" * 41 + "+" + "=" * 22 + "+" + "=" * 22 + "|",
    ]
    used: list[int] = []
    for i in range(m.gpus):
        memory = int(model.memory_mib * rng.uniform(0.55, 0.95, "memory", i))
        used.append(memory)
        watts = int(model.watts * rng.uniform(0.45, 0.9, "power", i))
        head = f" N/A  {rng.integer(38, 74, 'temp', i):>3}C    P0"
        lines += [
            f"|{i:>4}  {model.name:<29}{'On':>4}  | 00000000:{7 + 9 * i:02X}:00.0 Off |{'0':>21} |",
            f"|{head}{f'{watts}W / {model.watts}W '.rjust(41 - len(head))}|"
            f"{f'{memory}MiB / {model.memory_mib}MiB '.rjust(22)}|{rng.integer(70, 100, 'util', i):>7}%      Default |",
            "|" + " " * 41 + "|" + " " * 22 + "|" + "Disabled ".rjust(22) + "|",
            rule,
        ]
    lines += [
        " " * 89,
        "+" + "-" * 87 + "+",
        "| Processes:".ljust(88) + "|",
        "|  GPU   GI   CI        PID   Type   Process name                            GPU Memory |",
        "|        ID   ID                                                             Usage      |",
        "|" + "=" * 87 + "|",
    ]
    for i, memory in enumerate(used):
        left = f"|  {i:>3}   N/A  N/A  {4000 + 17 * i:>8}      C   python"
        lines.append(left + f"{memory - 400}MiB |".rjust(89 - len(left)))
    lines.append("+" + "-" * 87 + "+")
    return "\n".join(lines) + "\n", 0


def _uuid(rng: Rng, i: int) -> str:
    digits = f"{rng.bits('uuid', i):016x}{rng.bits('uuid2', i):016x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:32]}"

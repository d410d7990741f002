# Declarations of the globals the NixOS test driver gives a test script
# (our own, see README.md); prepended to each script before mypy runs.

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol
from unittest import TestCase

from test_driver.debug import DebugAbstract
from test_driver.driver import Driver
from test_driver.logger import AbstractLogger
from test_driver.machine import BaseMachine, NspawnMachine, QemuMachine
from test_driver.vlan import VLan


class RetryProtocol(Protocol):
    def __call__(self, fn: Callable[[bool], bool], timeout_seconds: int = 900) -> None: ...


class PollingConditionProtocol(Protocol):
    def __call__(
        self,
        fun_: Callable[..., Any] | None = None,
        *,
        seconds_interval: float = 2.0,
        description: str | None = None,
    ) -> Callable[[Callable[..., Any]], AbstractContextManager[None]] | AbstractContextManager[None]: ...


class CreateMachineProtocol(Protocol):
    def __call__(
        self,
        start_command: str,
        *,
        name: str | None = None,
        keep_machine_state: bool = False,
    ) -> BaseMachine: ...


start_all: Callable[[], None]
subtest: Callable[[str], AbstractContextManager[None]]
retry: RetryProtocol
test_script: Callable[[], None]
machines_qemu: list[QemuMachine]
machines_nspawn: list[NspawnMachine]
vlans: list[VLan]
driver: Driver
log: AbstractLogger
create_machine: CreateMachineProtocol
run_tests: Callable[[], None]
join_all: Callable[[], None]
serial_stdout_off: Callable[[], None]
serial_stdout_on: Callable[[], None]
polling_condition: PollingConditionProtocol
debug: DebugAbstract
t: TestCase

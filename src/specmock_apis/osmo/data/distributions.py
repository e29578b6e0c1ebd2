"""How often each spec enum value appears in generated OSMO data.

Every mapping is declared exhaustive: when specs/osmo.yaml adds, renames or drops a value,
`specmock check` names the value and this file.
"""

from specmock.generators import exhaustive
from specmock_apis.generated.osmo.models import PoolStatus, WorkflowPriority, WorkflowStatus

# The seed's mix: RUNNING 20%, COMPLETED 35%, PENDING 7%, the rest spread over the failures.
WORKFLOW_STATUS_WEIGHTS = exhaustive(
    WorkflowStatus,
    {
        WorkflowStatus.PENDING: 7,
        WorkflowStatus.RUNNING: 20,
        WorkflowStatus.WAITING: 5,
        WorkflowStatus.COMPLETED: 35,
        WorkflowStatus.FAILED: 6,
        WorkflowStatus.FAILED_SUBMISSION: 2,
        WorkflowStatus.FAILED_SERVER_ERROR: 2,
        WorkflowStatus.FAILED_EXEC_TIMEOUT: 3,
        WorkflowStatus.FAILED_QUEUE_TIMEOUT: 2,
        WorkflowStatus.FAILED_CANCELED: 4,
        WorkflowStatus.FAILED_BACKEND_ERROR: 2,
        WorkflowStatus.FAILED_IMAGE_PULL: 3,
        WorkflowStatus.FAILED_EVICTED: 2,
        WorkflowStatus.FAILED_START_ERROR: 2,
        WorkflowStatus.FAILED_START_TIMEOUT: 2,
        WorkflowStatus.FAILED_PREEMPTED: 3,
    },
)

# Alive states have no end time; every other state is final.
ALIVE_WORKFLOW_STATUSES = (WorkflowStatus.PENDING, WorkflowStatus.RUNNING, WorkflowStatus.WAITING)

WORKFLOW_PRIORITY_WEIGHTS = exhaustive(
    WorkflowPriority,
    {WorkflowPriority.HIGH: 15, WorkflowPriority.NORMAL: 70, WorkflowPriority.LOW: 15},
)

POOL_STATUS_WEIGHTS = exhaustive(
    PoolStatus,
    {PoolStatus.ONLINE: 85, PoolStatus.OFFLINE: 5, PoolStatus.MAINTENANCE: 10},
)

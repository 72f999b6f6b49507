"""The department queue: open tickets by deadline, with countdowns and 催办/督办 flags."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backend.api.deps import SessionDep
from backend.tickets.queue import active_departments, work_queue
from console.forms import DepartmentChoice
from console.security import StaffPage
from console.templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request, session: SessionDep, user: StaffPage, department_id: DepartmentChoice = None
) -> HTMLResponse:
    """Department staff see their department's queue; operators and admins pick one or all."""
    tickets = work_queue(session=session, actor=user.actor, department_id=department_id)
    context = {
        "tickets": tickets,
        "departments": [] if user.role == "department" else active_departments(session=session),
        "department_id": department_id,
    }
    if request.headers.get("HX-Request"):
        return render(request, "queue_rows.html", context)
    return render(request, "queue.html", context)

"""Admin and staff reference endpoints: issue tokens and Open311 keys, list departments."""

from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select

from backend.api.auth import AdminDep, StaffDep
from backend.api.deps import SessionDep
from backend.auth.service import issue_open311_key, issue_staff_token
from backend.inputs import RequiredText, RowId, Text
from storage.models import Department, StaffRole

router = APIRouter(prefix="/api/v1", tags=["admin"])


class TokenIn(BaseModel):
    """A staff token (creates the staff user on first use) or an Open311 API key."""

    kind: Literal["staff", "open311"] = "staff"
    username: RequiredText | None = Field(default=None, min_length=1, max_length=64)
    display_name: Text = Field(default="", max_length=128)
    role: StaffRole = StaffRole.operator
    department_id: RowId | None = None
    label: Text = Field(default="", max_length=128)

    @model_validator(mode="after")
    def _staff_needs_username(self) -> "TokenIn":
        if self.kind == "staff" and not self.username:
            raise ValueError("a staff token needs a username")
        return self


class TokenOut(BaseModel):
    """The secret, shown this once; only its sha256 is kept."""

    kind: str
    token: str
    username: str | None = None
    role: StaffRole | None = None
    department_id: int | None = None


class DepartmentOut(BaseModel):
    """A department and its supervising parent."""

    id: int
    code: str
    name: str
    level: str
    district: str | None
    street: str | None
    parent_id: int | None
    active: bool


@router.post("/admin/tokens", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
def post_token(body: TokenIn, session: SessionDep, actor: AdminDep) -> TokenOut:
    """Admin: issue a staff token or an Open311 api_key."""
    if body.kind == "open311":
        return TokenOut(kind="open311", token=issue_open311_key(session=session, label=body.label))
    assert body.username is not None
    issued = issue_staff_token(
        session=session,
        username=body.username,
        role=body.role,
        department_id=body.department_id,
        display_name=body.display_name,
        label=body.label,
    )
    return TokenOut(
        kind="staff",
        token=issued.token,
        username=issued.user.username,
        role=StaffRole(issued.user.role),
        department_id=issued.user.department_id,
    )


@router.get("/departments", response_model=list[DepartmentOut])
def get_departments(
    session: SessionDep, actor: StaffDep, district: str | None = None
) -> list[DepartmentOut]:
    """Staff: departments (e.g. to dispatch by hand), optionally of one district."""
    query = select(Department).order_by(Department.id)
    if district is not None:
        query = query.where(Department.district == district)
    return [
        DepartmentOut(
            id=d.id,
            code=d.code,
            name=d.name,
            level=d.level,
            district=d.district,
            street=d.street,
            parent_id=d.parent_id,
            active=d.active,
        )
        for d in session.scalars(query)
    ]

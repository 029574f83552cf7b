"""Extension objects, created unbound and attached in the app factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from fieldlog.database import Base, track_writes

db = SQLAlchemy(model_class=Base)
# idle() refuses to end a transaction that wrote; every session reports its flushes.
track_writes(Session)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

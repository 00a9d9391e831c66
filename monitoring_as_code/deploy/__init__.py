"""`mac deploy`: build/ onto a host. Stages: layout.py (which build/ file goes where, by
service) → plan.py (compare with the host; ownership by header or manifest) → apply.py
(check, swap per service, reload, verify, roll back) with services.py (reloading and asking
each service what it runs)."""

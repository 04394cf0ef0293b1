"""`eticket-central`: run the server, migrate its database, manage communes and devices.

    eticket-central --database URL [--host H] [--port P] [--workers N] [--pool-size N]
                                                              # serve (the default)
    eticket-central --database URL migrate
    eticket-central --database URL add-tenant NAME
    eticket-central --database URL add-device TENANT LABEL    # prints the token, once
    eticket-central --database URL revoke-device DEVICE_ID
    eticket-central [--port P] demo [--families N]  # the portal on a throwaway database

The URL may also come from $ETICKET_CENTRAL_DATABASE (postgresql://user@host:port/db).

Serving: `--workers` uvicorn processes (each its own pool of `--pool-size` connections plus
as many on overflow, so workers × 2 × pool size must stay under PostgreSQL's
max_connections), each with the lock and statement timeouts of app.Settings.
"""

from __future__ import annotations

import argparse
import os
import sys

from eticket_desk.clock import Clock


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eticket-central", description="Serveur central eTicket (synchronisation)."
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("ETICKET_CENTRAL_DATABASE"),
        help="adresse PostgreSQL (postgresql://…) ; sinon $ETICKET_CENTRAL_DATABASE",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--change-log-days", type=int, default=90)
    parser.add_argument("--workers", type=int, default=1, help="processus du serveur")
    parser.add_argument(
        "--pool-size", type=int, default=10, help="connexions PostgreSQL par processus"
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="démarre le serveur (par défaut)")
    commands.add_parser("migrate", help="crée ou met à jour les tables")
    tenant = commands.add_parser("add-tenant", help="ajoute une commune")
    tenant.add_argument("name")
    device = commands.add_parser("add-device", help="enregistre un poste et affiche son jeton")
    device.add_argument("tenant", help="nom ou identifiant de la commune")
    device.add_argument("label")
    revoke = commands.add_parser("revoke-device", help="révoque le jeton d'un poste")
    revoke.add_argument("device_id")
    demo = commands.add_parser(
        "demo", help="serveur de démonstration du portail sur une base jetable (Ctrl+C l'efface)"
    )
    demo.add_argument("--families", type=int, default=20, help="nombre de familles (20)")
    return parser


_ENVIRONMENT = "ETICKET_CENTRAL_SETTINGS"


def _settings(args):
    from eticket_central.app import Settings

    return Settings(change_log_days=args.change_log_days, pool_size=args.pool_size)


def app_from_environment():
    """The app of one worker process (uvicorn's factory when --workers > 1): the database
    and the settings come through the environment the workers inherit."""
    import json

    from eticket_central.app import Settings, create_app

    settings = Settings(**json.loads(os.environ[_ENVIRONMENT]))
    return create_app(os.environ["ETICKET_CENTRAL_DATABASE"], settings=settings)


def _serve(args, engine) -> int:
    import dataclasses
    import json

    import uvicorn

    from eticket_central.app import create_app
    from eticket_central.db import schema_is_current

    if not schema_is_current(engine):
        print("La base n'est pas à jour : lancez « eticket-central migrate ».", file=sys.stderr)
        return 1
    engine.dispose()  # the admin engine: each process makes its server engine
    settings = _settings(args)
    if args.workers > 1:
        os.environ["ETICKET_CENTRAL_DATABASE"] = args.database
        os.environ[_ENVIRONMENT] = json.dumps(dataclasses.asdict(settings))
        uvicorn.run(
            "eticket_central.cli:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
        )
        return 0
    app = create_app(args.database, settings=settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from eticket_central.demo import run

        return run(args.families, args.host, args.port)
    if not args.database:
        print("Indiquez la base : --database postgresql://…", file=sys.stderr)
        return 2
    from eticket_central import tenants
    from eticket_central.db import make_engine, migrate, session_factory

    try:
        engine = make_engine(args.database, pool_size=5)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    now = Clock().now()
    factory = session_factory(engine)
    try:
        if args.command in (None, "serve"):
            return _serve(args, engine)
        if args.command == "migrate":
            migrate(engine)
            print("Base à jour.")
        elif args.command == "add-tenant":
            tenant_id = tenants.add_tenant(factory, args.name, now)
            print(tenant_id)
            slug = tenants.tenant_slug(factory, tenant_id)
            print(f"Portail : /portail/{slug}/connexion (adresse du portail : {slug})")
        elif args.command == "add-device":
            device = tenants.add_device(factory, args.tenant, args.label, now)
            print(f"Appareil : {device.device_id}")
            print(f"Jeton (affiché une seule fois) : {device.token}")
        elif args.command == "revoke-device":
            tenants.revoke_device(factory, args.device_id, now)
            print("Appareil révoqué.")
    except tenants.AdminError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

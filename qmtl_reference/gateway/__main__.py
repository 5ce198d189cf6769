from ..common.http_guard import configure_logging
from ..common.serve import check_faults, serve_http
from .app import create_app
from .settings import parse_args


def main() -> None:
    settings = parse_args()
    configure_logging()
    check_faults("gateway")
    serve_http("gateway", create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

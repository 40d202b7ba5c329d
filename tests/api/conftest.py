from tests.api.helpers import api_for  # noqa: F401 - fixture

"""Package layout that pyproject.toml alone cannot say: the repository's top-level resources/
and plugins/ are installed inside the triage package (triage/resources, triage/shipped_plugins)
so that an installation puts nothing but `triage` at the top of site-packages."""

from setuptools import find_namespace_packages, find_packages, setup

MAPPED = {"triage.resources": "resources", "triage.shipped_plugins": "plugins"}


def mapped_packages() -> list[str]:
    names = []
    for package, folder in MAPPED.items():
        names.append(package)
        names += [f"{package}.{sub}" for sub in find_namespace_packages(folder)
                  if "__pycache__" not in sub and not sub.startswith("samples.photos")]
    return names


setup(
    packages=find_packages(include=["triage*"]) + mapped_packages(),
    package_dir=MAPPED,
    package_data={
        "triage.case": ["migrations/*.py", "migrations/*.mako", "migrations/versions/*.py"],
        **{package: ["**/*"] for package in MAPPED},
    },
    exclude_package_data={"triage.resources": ["samples/photos/*", "screenshot.png"]},
)

"""The app's settings with the benchmark's URLs (benchmarks/bench_urls.py): every page of the
app, plus the raw-SQL baselines and a bare view. Used by benchmarks/pages.py, in process and
under gunicorn, as ``benchmarks.bench_settings`` from the project's root (``benchmarks`` is a
namespace package: a plain ``bench_settings`` on the path would put benchmarks/pages.py in the
place of the ``pages`` app). Nothing else changes."""

from housingfirst.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 housingfirst
COPY pyproject.toml ./
COPY housingfirst ./housingfirst
COPY clients ./clients
COPY placements ./placements
COPY referrals ./referrals
COPY casenotes ./casenotes
COPY plans ./plans
COPY harm_reduction ./harm_reduction
COPY appointments ./appointments
COPY enrollments ./enrollments
COPY reminders ./reminders
COPY caseloads ./caseloads
COPY pages ./pages
COPY hmis ./hmis
RUN pip install .
COPY . .
# Static files are collected at build time and served by whitenoise (no CDN, no extra server).
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000000000 \
    python manage.py collectstatic --no-input
USER housingfirst
EXPOSE 8000
CMD ["gunicorn", "housingfirst.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

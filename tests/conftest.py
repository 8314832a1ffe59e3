"""Settings shared by every test module."""

from hypothesis import HealthCheck, settings

# The loop reference is slow by design, so examples are few but varied;
# deadlines would only measure the shared machine's noise.
settings.register_profile(
    "convstep",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("convstep")

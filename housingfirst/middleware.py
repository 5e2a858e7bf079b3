"""Response headers for signed-in pages."""

from django.utils.cache import patch_cache_control


def private_pages(get_response):
    """Nothing a signed-in person sees stays in a browser's or a proxy's cache: outreach
    devices are shared, and a cached client page or CSV would outlive the sign-out."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True, no_cache=True)
        return response

    return middleware

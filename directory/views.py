def import_start(request):
    raise NotImplementedError


import_preview = import_apply = import_start

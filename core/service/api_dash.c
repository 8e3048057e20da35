/* api_dash.c: the live dashboard's ops (docs/PROTOCOL.md 6.45, 6.46): the figures of the
 * whole programme that ayni-web's pages draw.  Read only; the core's clock and time zone
 * decide what "today" is, so no caller may name its own.
 */
#include "api.h"

int
api_dash_panorama(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_dashboard_panorama(a->store, r);
}

int
api_dash_regions(struct api *a, json_t *args, json_t **r)
{
    return core_dashboard_regions(a->store, api_str(args, "from"), api_str(args, "to"), r);
}

import re
from django.urls import reverse
from tests.test_access_matrix import admin_changelists
def test_dbg(client, world):
    client.force_login(world.operator)
    bad=set()
    urls=[reverse("admin:index")]+[reverse(n) for n in admin_changelists()]
    urls += [u.replace("/?", "/") for u in []]
    for name in admin_changelists():
        urls.append(reverse(name.replace("_changelist","_add")) if True else None)
    for u in urls:
        r=client.get(u)
        if r.status_code!=200: continue
        t=r.content.decode()
        for m in re.findall(r"[^<>]{0,40}(?:Rubah|rubah|\banda\b|Pindahkan|[Kk]ata sandi|sedikit\.)[^<>]{0,40}", t):
            bad.add((u.split('/')[2:4].__str__(), m.strip()))
    r=client.get(reverse("admin:accounts_user_change", args=[world.walikelas.pk])); t=r.content.decode()
    for m in re.findall(r"[^<>]{0,40}(?:Rubah|rubah|\banda\b|Pindahkan|[Kk]ata sandi|sedikit\.)[^<>]{0,40}", t): bad.add(("user",m))
    for b in sorted(bad): print(b)

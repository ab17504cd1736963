"""ekonseling.asgi, the Daphne process's entry: what the process keeps for its life is loaded and
frozen out of the collector's walks before the first socket connects."""

import gc


def test_the_url_conf_and_the_risk_lexicon_are_loaded_and_frozen_at_start():
    import ekonseling.asgi  # noqa: F401 - what Daphne imports
    from ekonseling.counseling import risk, risk_model

    loaded = [risk._default, risk_model._shipped, risk._stemmer]
    assert all(item is not None for item in loaded)
    young = {id(obj) for obj in gc.get_objects()}  # a frozen object is in no generation
    assert not any(id(item) in young for item in loaded)

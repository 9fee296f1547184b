from tests.payments.conftest import approved_march, dibao_li, tekun_zhao

__all__ = ["approved_march", "dibao_li", "tekun_zhao"]

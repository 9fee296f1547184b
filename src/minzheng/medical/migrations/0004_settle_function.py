"""PostgreSQL: `medical_settle(...)`, a whole settlement in one round trip; SQLite unchanged.

The function does what `actions.do_settle_claim` does after its checks and its parameter lookup:
find the person by the ID number's blind index, lock their accumulator for the discharge year
(creating it on the year's first claim), look for a live settlement of (hospital, claim id) — a retry
or a conflict, answered by the caller —, derive the category on the discharge date, apply the rule
with the parameters the caller passes (`policies`, per category, for the person's county), insert the
settlement, update the accumulator and append the audit event. One statement, one transaction: the
row lock is held until its commit. The rule is `medical/rules.py`; `tests/medical/
test_settle_function.py` checks the two give the same answers. It returns `fallback` (and the caller
settles the Python way) when the person's category has no parameters in `policies`, and `county`
(with the person's region) when the parameters passed are for another county.
"""

from django.db import migrations

FUNCTION_SQL = r"""
CREATE FUNCTION medical_settle(
    p_hospital bigint, p_hospital_name text, p_actor text, p_claim text, p_index text,
    p_county text, p_visit text, p_admitted date, p_discharged date,
    p_total numeric, p_compliant numeric, p_basic numeric, p_critical numeric, p_other numeric,
    p_digest text, p_now timestamptz, p_today date, p_layers jsonb, p_policies jsonb,
    OUT outcome text, OUT settlement_id bigint, OUT person_id bigint, OUT region_id text,
    OUT category text, OUT assistance numeric, OUT patient_pays numeric, OUT annual_cap numeric,
    OUT cap_used numeric, OUT cap_left numeric, OUT deductible_applied numeric,
    OUT explanation jsonb, OUT parameter_versions jsonb
) AS $$
DECLARE
    v_year int := extract(year FROM p_discharged)::int;
    v_account bigint;
    v_cap_used numeric;
    v_met numeric;
    v_codes text[];
    v_policy jsonb;
    v_paid numeric := p_basic + p_critical + p_other;
    v_remaining numeric := p_total - p_basic - p_critical - p_other;
    v_self_pay numeric := greatest(0, p_compliant - (p_basic + p_critical + p_other));
    v_deductible numeric;
    v_deductible_left numeric;
    v_base numeric;
    v_by_ratio numeric;
    v_cap numeric;
    v_cap_left_before numeric;
    v_digits int;
    v_mode text;
    v_layer jsonb;
BEGIN
    SELECT p.id, p.region_id INTO person_id, region_id
      FROM registry_person p WHERE p.id_number_index = p_index;
    IF person_id IS NULL THEN
        outcome := 'not_found';
        RETURN;
    END IF;
    IF left(region_id, 6) <> p_county THEN
        outcome := 'county';
        RETURN;
    END IF;

    -- The lock: every claim and reversal for this person and year waits here for the one before it
    -- to commit; without it two claims read the same accumulator and together overrun the cap.
    SELECT a.id, a.cap_used,
           CASE p_visit WHEN 'inpatient' THEN a.deductible_met_inpatient
                        WHEN 'outpatient' THEN a.deductible_met_outpatient
                        ELSE a.deductible_met_chronic END
      INTO v_account, v_cap_used, v_met
      FROM medical_capaccount a WHERE a.person_id = medical_settle.person_id AND a.year = v_year
       FOR UPDATE;
    IF v_account IS NULL THEN
        INSERT INTO medical_capaccount (person_id, year, cap_used, deductible_met_inpatient,
                                        deductible_met_outpatient, deductible_met_chronic)
             VALUES (medical_settle.person_id, v_year, 0, 0, 0, 0)
        ON CONFLICT ON CONSTRAINT one_cap_account_per_year DO NOTHING;
        SELECT a.id, a.cap_used,
               CASE p_visit WHEN 'inpatient' THEN a.deductible_met_inpatient
                            WHEN 'outpatient' THEN a.deductible_met_outpatient
                            ELSE a.deductible_met_chronic END
          INTO v_account, v_cap_used, v_met
          FROM medical_capaccount a WHERE a.person_id = medical_settle.person_id AND a.year = v_year
           FOR UPDATE;
    END IF;

    -- A live settlement of this claim: the caller answers the retry (or the conflict). One
    -- committed by another person's claim after this statement began is caught by the unique key.
    SELECT k.settlement_id INTO settlement_id
      FROM medical_settlement_claim k WHERE k.hospital_id = p_hospital AND k.claim_id = p_claim;
    IF settlement_id IS NOT NULL THEN
        outcome := 'retry';
        RETURN;
    END IF;

    -- The codes held on the discharge day (`medical.rules.category_of`, strongest first).
    SELECT array_agg(c) INTO v_codes FROM (
        SELECT t.tag AS c FROM registry_identitytag t
         WHERE t.person_id = medical_settle.person_id AND t.valid_from <= p_discharged
           AND (t.valid_to IS NULL OR t.valid_to > p_discharged)
        UNION ALL
        SELECT e.programme FROM assistance_enrolment e
         WHERE e.person_id = medical_settle.person_id
           AND e.start_month <= p_discharged
           AND (e.end_month IS NULL OR e.end_month > p_discharged)
           AND e.status NOT IN ('ended', 'suspended')
        UNION ALL
        SELECT e.programme FROM registry_membership m
          JOIN assistance_enrolment e ON e.household_id = m.household_id AND e.person_id IS NULL
         WHERE m.person_id = medical_settle.person_id AND m.valid_from <= p_discharged
           AND (m.valid_to IS NULL OR m.valid_to > p_discharged)
           AND e.start_month <= p_discharged
           AND (e.end_month IS NULL OR e.end_month > p_discharged)
           AND e.status NOT IN ('ended', 'suspended')
    ) held;
    category := CASE
        WHEN 'tekun' = ANY (v_codes) THEN 'tekun'
        WHEN v_codes && ARRAY['dibao', 'single_person_dibao'] THEN 'dibao'
        WHEN 'dibian' = ANY (v_codes) THEN 'dibian'
        WHEN 'yiliao' = ANY (v_codes) THEN 'zhichu'
        ELSE 'none' END;

    IF category = 'none' THEN
        assistance := 0.00;
        patient_pays := round(v_remaining, 2);
        annual_cap := 0.00;
        cap_used := round(v_cap_used, 2);  -- the answer shows what the person has used
        cap_left := 0.00;
        deductible_applied := 0.00;
        parameter_versions := '[]'::jsonb;
        v_layer := jsonb_build_object(
            'layer', 'medical_assistance', 'label', '医疗救助', 'paid', '0.00',
            'left', round(v_remaining, 2)::text,
            'reason', '出院日不属于特困、低保、低边或支出型贫困对象，不享受医疗救助');
    ELSE
        v_policy := p_policies -> category;
        IF v_policy IS NULL THEN
            outcome := 'fallback';
            RETURN;
        END IF;
        v_deductible := (v_policy ->> 'deductible')::numeric;
        v_cap := (v_policy ->> 'cap')::numeric;
        v_digits := (v_policy ->> 'digits')::int;
        v_mode := v_policy ->> 'mode';
        v_deductible_left := greatest(0, v_deductible - v_met);
        deductible_applied := least(v_self_pay, v_deductible_left);
        v_base := v_self_pay - deductible_applied;
        v_by_ratio := v_base * (v_policy ->> 'ratio')::numeric;
        v_by_ratio := round(CASE v_mode
            WHEN 'half_up' THEN round(v_by_ratio, v_digits)
            WHEN 'ceiling' THEN ceil(v_by_ratio * power(10::numeric, v_digits))
                                / power(10::numeric, v_digits)
            ELSE floor(v_by_ratio * power(10::numeric, v_digits))
                 / power(10::numeric, v_digits) END, v_digits);
        v_cap_left_before := greatest(0, v_cap - v_cap_used);
        assistance := least(v_by_ratio, v_cap_left_before);
        patient_pays := round(v_remaining - assistance, 2);
        annual_cap := round(v_cap, 2);
        cap_used := round(v_cap_used + assistance, 2);
        cap_left := round(greatest(0, v_cap - (v_cap_used + assistance)), 2);
        v_layer := jsonb_build_object(
            'layer', 'medical_assistance', 'label', '医疗救助',
            'paid', round(assistance, 2)::text,
            'left', patient_pays::text,
            'compliant_self_pay', round(v_self_pay, 2)::text,
            'deductible', jsonb_build_object(
                'annual', round(v_deductible, 2)::text,
                'left_before', round(v_deductible_left, 2)::text,
                'applied', round(deductible_applied, 2)::text,
                'left_after', round(v_deductible_left - deductible_applied, 2)::text)
                || (v_policy -> 'deductible_meta'),
            'ratio', jsonb_build_object(
                'value', v_policy ->> 'ratio_text',
                'base', round(v_base, 2)::text,
                'amount', round(v_by_ratio, 2)::text)
                || (v_policy -> 'ratio_meta'),
            'cap', jsonb_build_object(
                'annual', round(v_cap, 2)::text,
                'used_before', round(v_cap_used, 2)::text,
                'left_before', round(v_cap_left_before, 2)::text,
                'applied', v_by_ratio > v_cap_left_before)
                || (v_policy -> 'cap_meta'),
            'rounding', v_policy -> 'rounding');
        parameter_versions := v_policy -> 'versions';
        assistance := round(assistance, 2);
        deductible_applied := round(deductible_applied, 2);
    END IF;
    explanation := p_layers || jsonb_build_array(v_layer);

    INSERT INTO medical_settlement (
        hospital_id, claim_id, person_id, region_id, visit_kind, admitted_on, discharged_on,
        total_cost, compliant_cost, basic_insurance_paid, critical_illness_paid, other_paid,
        category, assistance_amount, patient_pays, annual_cap, cap_used, cap_left,
        deductible_applied, explanation, parameter_versions, request_digest, status, settled_on,
        settled_at)
    VALUES (
        p_hospital, p_claim, medical_settle.person_id, medical_settle.region_id, p_visit,
        p_admitted, p_discharged, p_total, p_compliant, p_basic, p_critical, p_other,
        category, assistance, patient_pays, annual_cap, cap_used, cap_left,
        deductible_applied, explanation, parameter_versions, p_digest, 'settled', p_today, p_now)
    RETURNING id INTO settlement_id;

    IF category <> 'none' THEN
        UPDATE medical_capaccount a SET
            cap_used = medical_settle.cap_used,
            deductible_met_inpatient = a.deductible_met_inpatient
                + CASE WHEN p_visit = 'inpatient' THEN deductible_applied ELSE 0 END,
            deductible_met_outpatient = a.deductible_met_outpatient
                + CASE WHEN p_visit = 'outpatient' THEN deductible_applied ELSE 0 END,
            deductible_met_chronic = a.deductible_met_chronic
                + CASE WHEN p_visit = 'chronic' THEN deductible_applied ELSE 0 END
         WHERE a.id = v_account;
    END IF;

    INSERT INTO core_auditevent (at, actor_name, actor_role, action, object_type, object_id,
                                 person_id, region_code, summary, after)
    VALUES (p_now, p_actor, '', 'create', 'medical_settlement', settlement_id::text,
            medical_settle.person_id, medical_settle.region_id,
            left(p_hospital_name || ' 结算 ' || p_claim || '：医疗救助 ' || assistance::text || ' 元',
                 300),
            jsonb_build_object('category', category, 'assistance', assistance::text));
    outcome := 'settled';
END;
$$ LANGUAGE plpgsql;
"""

REVERSE_SQL = (
    "DROP FUNCTION IF EXISTS medical_settle(bigint, text, text, text, text, text, text, date, date,"
    " numeric, numeric, numeric, numeric, numeric, text, timestamptz, date, jsonb, jsonb)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("medical", "0003_partition_settlement")]
    operations = [migrations.RunPython(forwards, backwards)]

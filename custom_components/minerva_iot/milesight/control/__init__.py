"""Controls of Milesight devices: property writes and service calls, pending until confirmed.

kinds.py says which writable thing-model property becomes which entity (HA-free);
pending.py keeps each write until the device confirms or the deadline passes; writer.py makes
the one API call of a write and turns refusals into translated errors; entity.py is the base
of the control entities (switch.py, number.py, select.py, climate.py, buttons.py);
actions.py registers `minerva_iot.milesight_call_service`.
"""

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DRIVER_PYTHON_VARIABLE, driverPython } from '../../../src/runner/driver-executor.js';

test("the driver's description of its interpreter is taken when well-formed, else the engine probes", () => {
  const info = { executable: '/usr/bin/python3', version: '3.11.7', packages: ['numpy==2.0.0'] };
  assert.deepEqual(driverPython({ [DRIVER_PYTHON_VARIABLE]: JSON.stringify({ ...info, extra: 1 }) }), info);
  assert.deepEqual(driverPython({ [DRIVER_PYTHON_VARIABLE]: JSON.stringify({ ...info, version: null, packages: null }) }), {
    ...info,
    version: null,
    packages: null,
  });
  for (const text of [undefined, '', 'not json', '[]', '{"executable": 1}', '{"executable": "p", "version": "3", "packages": [1]}']) {
    assert.equal(driverPython(text === undefined ? {} : { [DRIVER_PYTHON_VARIABLE]: text }), undefined, String(text));
  }
});

import { describe, expect, it } from 'vitest';
import { addressAdmittedBy, MAX_EXCEPTS } from '../../../lambdas/core/kubernetes/ip-block.js';

describe('addressAdmittedBy: an address in the block and outside its excepts', () => {
  it('finds one past excepts that leave room, however they lie', () => {
    expect(addressAdmittedBy({ cidr: '10.0.0.0/8' })).toBe('10.0.0.0');
    expect(addressAdmittedBy({ cidr: '10.0.0.0/8', except: ['10.0.0.0/24'] })).toBe('10.0.1.0');
    expect(addressAdmittedBy({ cidr: '10.1.2.3/8', except: ['10.0.0.0/9'] })).toBe('10.128.0.0');
    expect(addressAdmittedBy({ cidr: '10.0.0.0/30', except: ['10.0.0.1/32', '10.0.0.0/32'] })).toBe(
      '10.0.0.2',
    );
    expect(addressAdmittedBy({ cidr: 'fd00::/8', except: ['fd00::/9'] })).toBe('fd80::');
    expect(addressAdmittedBy({ cidr: '0.0.0.0/0', except: ['0.0.0.0/1'] })).toBe('128.0.0.0');
  });
  it('finds none when the excepts cover the block together', () => {
    expect(
      addressAdmittedBy({ cidr: '10.0.0.0/8', except: ['10.128.0.0/9', '10.0.0.0/9'] }),
    ).toBeNull();
    expect(
      addressAdmittedBy({
        cidr: '255.255.255.254/31',
        except: ['255.255.255.255/32', '255.255.255.254/32'],
      }),
    ).toBeNull();
    expect(addressAdmittedBy({ cidr: '::/0', except: ['::/1', '8000::/1'] })).toBeNull();
  });
  it('reads no block in a form the API server rejects, nor excepts of the other family or past the bound', () => {
    expect(addressAdmittedBy({ cidr: '10.1/16' })).toBeUndefined();
    expect(addressAdmittedBy({ cidr: '10.0.0.0/8', except: ['0xa.0.0.0/9'] })).toBeUndefined();
    expect(addressAdmittedBy({ cidr: '10.0.0.0/8', except: ['fd00::/8'] })).toBeUndefined();
    const many = Array.from({ length: MAX_EXCEPTS + 1 }, (_, i) => `10.0.${i}.0/24`);
    expect(addressAdmittedBy({ cidr: '10.0.0.0/8', except: many })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { errorXml, successXml } from './query-xml.js';

describe('Query XML', () => {
  it('escapes user data: it never becomes markup', () => {
    const xml = successXml('GetRole', 'https://iam.amazonaws.com/doc/2010-05-08/', { Role: { Description: '</Description><Injected>&amp;' } }, 'req-1');
    expect(xml).toBe(
      '<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Description>&lt;/Description&gt;&lt;Injected&gt;&amp;amp;</Description></Role></GetRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>',
    );
  });

  it('writes lists as member elements, leaves absent members out, and has no Result for an action without one', () => {
    expect(successXml('ListUsers', 'ns', { Users: { member: [{ UserName: 'a' }, { UserName: 'b' }] }, IsTruncated: false, Marker: undefined }, 'r')).toBe(
      '<ListUsersResponse xmlns="ns"><ListUsersResult><Users><member><UserName>a</UserName></member><member><UserName>b</UserName></member></Users><IsTruncated>false</IsTruncated></ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>',
    );
    expect(successXml('DeleteUser', 'ns', undefined, 'r')).toBe('<DeleteUserResponse xmlns="ns"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>');
  });

  it("writes AWS's error document", () => {
    expect(errorXml({ code: 'NoSuchEntity', status: 404, message: 'a < b', type: 'Sender' }, 'ns', 'r')).toBe(
      '<ErrorResponse xmlns="ns"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>a &lt; b</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    );
  });
});

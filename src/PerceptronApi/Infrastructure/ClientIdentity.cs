using System.Net;
using System.Net.Sockets;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Who a request comes from, for per-client limits: the API key's name when the request is authenticated, else the
/// client's address.
/// </summary>
public static class ClientIdentity
{
    /// <summary>
    /// <c>key:&lt;name&gt;</c> for an authenticated request, else <c>address:&lt;ip&gt;</c>. An IPv6 client is counted
    /// by its /64 network, the block one subscriber usually holds, so changing the low bits of its address dodges no limit.
    /// </summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return $"key:{name}";
        }

        return context.Connection.RemoteIpAddress is { } address ? $"address:{Network(address)}" : "address:unknown";
    }

    private static string Network(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}
